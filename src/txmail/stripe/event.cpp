#include "txmail/stripe/event.h"

namespace txmail::stripe {

Result<Event> parse_event(std::string_view body) {
    nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
        return fail(Error::invalid("body", "the webhook body is not a JSON object"));
    }
    Event event;
    const auto string_field = [&](const char* name, std::string& out) -> Result<void> {
        const auto it = json.find(name);
        if (it == json.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
            return fail(Error::invalid(name, std::string("the event has no \"") + name + "\""));
        }
        out = it->get<std::string>();
        return {};
    };
    if (auto ok = string_field("id", event.id); !ok)
        return fail(ok.error());
    if (auto ok = string_field("type", event.type); !ok)
        return fail(ok.error());
    if (const auto it = json.find("api_version"); it != json.end() && it->is_string()) {
        event.api_version = it->get<std::string>();
    }
    const auto created = json.find("created");
    if (created == json.end() || !created->is_number_integer()) {
        return fail(Error::invalid("created", "the event has no integer \"created\" time"));
    }
    event.created = created->get<std::int64_t>();
    if (const auto it = json.find("livemode"); it != json.end() && it->is_boolean()) {
        event.livemode = it->get<bool>();
    }
    const auto data = json.find("data");
    if (data == json.end() || !data->is_object() || !data->contains("object") ||
        !(*data)["object"].is_object()) {
        return fail(Error::invalid("data.object", "the event has no \"data.object\""));
    }
    event.object = std::move((*data)["object"]);
    if (const auto prev = data->find("previous_attributes"); prev != data->end()) {
        event.previous_attributes = std::move(*prev);
    }
    return event;
}

}  // namespace txmail::stripe
