// The errors of an event that cannot be acted on, shared by parse_event() (event.h) and
// parse_event_envelope() (event_envelope.h), which must refuse the same bodies the same way.
#pragma once

#include <string>

#include "txmail/util/error.h"

namespace txmail::stripe::event_errors {

inline Error not_a_json_object() {
    return Error::invalid("body", "the webhook body is not a JSON object");
}

// `name` is "id" or "type": a non-empty string the event must have.
inline Error missing_string(const char* name) {
    return Error::invalid(name, std::string("the event has no \"") + name + "\"");
}

inline Error missing_created() {
    return Error::invalid("created", "the event has no integer \"created\" time");
}

inline Error missing_data_object() {
    return Error::invalid("data.object", "the event has no \"data.object\"");
}

}  // namespace txmail::stripe::event_errors
