// Turns an event and its data into a mail::Message: validation (event_data.h), then Mustache
// templates (template_set.h) with the brand (brand.h). Pure: no I/O after from_settings().
//
// What each part gets:
//   subject, preheader: values made one line (CR, LF, tabs collapsed), the result cut at 200
//     characters, so no data can add a header line;
//   text body: values as they are (no escaping), trailing spaces and runs of blank lines tidied;
//   HTML body: values HTML-escaped (& < > " ' as entities), so data cannot add markup.
// Templates see: user.{id,email,name}; each event field in its human form ("$29.00",
// "December 24, 2026"); raw.<field> as received; badge.<status field>.{label, positive|negative|
// neutral}; site_name, site_url, support_email, company_name; event; subject and preheader (in
// the bodies). The message goes From DEFAULT_FROM_EMAIL To the user, with Auto-Submitted:
// auto-generated (RFC 3834) so that vacation responders stay quiet.
// render() is const and safe to call from several threads at once.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "txmail/mail/message.h"
#include "txmail/notify/brand.h"
#include "txmail/notify/event_data.h"
#include "txmail/notify/template_set.h"
#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::notify {

class Renderer {
  public:
    Renderer(TemplateSet templates, Brand brand);
    // Loads and checks the brand and every template now (TXMAIL_TEMPLATE_DIR, SITE_*, ...).
    static Result<Renderer> from_settings(const config::Settings& settings);

    Result<mail::Message> render(std::string_view event, const nlohmann::json& data) const;
    Result<mail::Message> render(const EventData& data) const;

    const TemplateSet& templates() const { return templates_; }
    const Brand& brand() const { return brand_; }

  private:
    TemplateSet templates_;
    Brand brand_;
};

}  // namespace txmail::notify
