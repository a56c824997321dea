// A metric family: one name, help text and set of label names, and one instrument (Counter,
// Gauge, Histogram) per distinct set of label values, made on first use and kept for the life of
// the process. with() finds the member under a shared lock (an exclusive one only the first time
// a label set is seen); callers on a hot path may keep the reference it returns, which stays
// valid. Label values are whatever the caller passes: keep them to bounded sets (event names,
// route patterns, status codes), never user input such as raw paths or addresses.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/metrics/text_format.h"

namespace txmail::metrics {

// What the registry needs to expose any family.
class FamilyBase {
  public:
    FamilyBase(std::string name, std::string help, std::string_view type,
               std::vector<std::string> labels)
        : name_(std::move(name)), help_(std::move(help)), type_(type), labels_(std::move(labels)) {}
    virtual ~FamilyBase() = default;
    FamilyBase(const FamilyBase&) = delete;
    FamilyBase& operator=(const FamilyBase&) = delete;

    const std::string& name() const { return name_; }
    const std::vector<std::string>& label_names() const { return labels_; }
    // HELP and TYPE, then every member's samples, ordered by label values.
    void write(std::string& out) const {
        append_header(out, name_, help_, type_);
        write_samples(out);
    }

  protected:
    virtual void write_samples(std::string& out) const = 0;

    std::string name_;
    std::string help_;
    std::string_view type_;
    std::vector<std::string> labels_;
};

template <class Instrument>
class Family final : public FamilyBase {
  public:
    using Make = std::function<std::unique_ptr<Instrument>()>;

    Family(std::string name, std::string help, std::string_view type,
           std::vector<std::string> labels, Make make)
        : FamilyBase(std::move(name), std::move(help), type, std::move(labels)),
          make_(std::move(make)) {}

    // One value per label name, in order; a wrong count is a bug and throws.
    Instrument& with(std::initializer_list<std::string_view> values) {
        if (values.size() != labels_.size())
            throw std::invalid_argument(name_ + " takes " + std::to_string(labels_.size()) +
                                        " label value(s), got " + std::to_string(values.size()));
        std::vector<std::string> key(values.begin(), values.end());
        {
            std::shared_lock lock(mutex_);
            if (auto it = members_.find(key); it != members_.end())
                return *it->second;
        }
        std::unique_lock lock(mutex_);
        auto [it, inserted] = members_.try_emplace(std::move(key));
        if (inserted)
            it->second = make_();
        return *it->second;
    }

  private:
    void write_samples(std::string& out) const override {
        std::shared_lock lock(mutex_);
        for (const auto& [values, instrument] : members_)
            append_samples(out, name_, labels_, values, *instrument);
    }

    Make make_;
    mutable std::shared_mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Instrument>> members_;
};

}  // namespace txmail::metrics
