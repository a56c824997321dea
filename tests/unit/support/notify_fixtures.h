// Shared by the notify unit tests: a fixed brand (so snapshots do not depend on the machine's
// settings) and the sample event data in tests/fixtures/notify/samples/, which `make previews`
// renders too.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "text_file.h"
#include "txmail/config/settings.h"
#include "txmail/notify/renderer.h"

namespace txmail::testing {

inline config::Settings notify_settings() {
    return config::Settings::from_map({
        {"SITE_NAME", "Boritrader"},
        {"SITE_URL", "https://boritrader.com/"},
        {"SUPPORT_EMAIL", "support@boritrader.com"},
        {"COMPANY_NAME", "Boritrade LLC"},
        {"DEFAULT_FROM_EMAIL", "Boritrader <noreply@boritrader.com>"},
    });
}

inline nlohmann::json sample_data(std::string_view event) {
    return nlohmann::json::parse(read_text_file(std::string(TXMAIL_FIXTURES_DIR) +
                                                "/notify/samples/" + std::string(event) + ".json"));
}

inline notify::Renderer notify_renderer(const config::Settings& settings = notify_settings()) {
    auto renderer = notify::Renderer::from_settings(settings);
    if (!renderer)
        throw std::runtime_error(renderer.error().describe());
    return std::move(*renderer);
}

}  // namespace txmail::testing
