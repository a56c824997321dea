// Test tool for the MIME conformance test: reads a message spec as JSON on stdin and writes the
// rendered RFC 5322 bytes on stdout (or, with --prepare, a JSON object with the envelope, the
// Message-ID and the bytes in base64). On a rejected message it prints
// {"error": {"field", "message"}} and exits 1; on a malformed spec it exits 2.
//
// Spec: from (string, or {display_name, local, domain} to bypass the parser), to/cc/bcc/reply_to
// (lists of the same), subject, text, html, headers ([[name, value], ...]), attachments
// ([{filename, content_type, data_base64}]), message_id, date (Unix seconds).
#include <chrono>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "txmail/mail/mime_writer.h"
#include "txmail/util/base64.h"

namespace {

using nlohmann::json;
using txmail::Error;
using txmail::Result;
using txmail::mail::Address;

Result<Address> to_address(const json& value, std::string_view field) {
    if (value.is_string())
        return Address::parse(value.get<std::string>(), field);
    return Address{value.value("display_name", ""), value.value("local", ""),
                   value.value("domain", "")};
}

Result<std::vector<Address>> to_addresses(const json& spec, const char* field) {
    std::vector<Address> out;
    for (const json& item : spec.value(field, json::array())) {
        auto address = to_address(item, field);
        if (!address)
            return std::unexpected(address.error());
        out.push_back(std::move(*address));
    }
    return out;
}

Result<txmail::mail::Message> to_message(const json& spec) {
    txmail::mail::Message message;
    if (spec.contains("from")) {
        auto from = to_address(spec["from"], "from");
        if (!from)
            return std::unexpected(from.error());
        message.from = std::move(*from);
    }
    for (auto [list, field] : {std::pair{&message.to, "to"},
                               {&message.cc, "cc"},
                               {&message.bcc, "bcc"},
                               {&message.reply_to, "reply_to"}}) {
        auto addresses = to_addresses(spec, field);
        if (!addresses)
            return std::unexpected(addresses.error());
        *list = std::move(*addresses);
    }
    message.subject = spec.value("subject", "");
    message.text = spec.value("text", "");
    if (spec.contains("html"))
        message.html = spec["html"].get<std::string>();
    for (const json& header : spec.value("headers", json::array()))
        message.headers.push_back(
            {header.at(0).get<std::string>(), header.at(1).get<std::string>()});
    for (const json& attachment : spec.value("attachments", json::array())) {
        auto data = txmail::base64_decode(attachment.value("data_base64", ""));
        if (!data)
            return std::unexpected(data.error());
        message.attachments.push_back({attachment.value("filename", ""),
                                       attachment.value("content_type", ""), std::move(*data)});
    }
    if (spec.contains("message_id"))
        message.message_id = spec["message_id"].get<std::string>();
    if (spec.contains("date"))
        message.date = std::chrono::system_clock::time_point(
            std::chrono::seconds(spec["date"].get<std::int64_t>()));
    return message;
}

int reject(const Error& error) {
    std::cout << json{{"error", {{"field", error.field}, {"message", error.message}}}}.dump()
              << '\n';
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    const bool prepare = argc > 1 && std::string_view(argv[1]) == "--prepare";
    json spec;
    try {
        const std::string input(std::istreambuf_iterator<char>(std::cin), {});
        spec = json::parse(input);
        auto message = to_message(spec);
        if (!message)
            return reject(message.error());
        if (!prepare) {
            auto bytes = txmail::mail::render(*message);
            if (!bytes)
                return reject(bytes.error());
            std::cout.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
            return 0;
        }
        auto rendered = txmail::mail::prepare(*message);
        if (!rendered)
            return reject(rendered.error());
        std::cout << json{{"envelope",
                           {{"sender", rendered->envelope.sender},
                            {"recipients", rendered->envelope.recipients}}},
                          {"message_id", rendered->message_id},
                          {"bytes_base64", txmail::base64_encode(rendered->bytes)}}
                         .dump()
                  << '\n';
        return 0;
    } catch (const json::exception& e) {
        std::cerr << "render_message: bad spec: " << e.what() << '\n';
        return 2;
    }
}
