// Renders the typical transactional message of render_message.json (text + HTML, ~8 KB) with
// txmail::mail::render(), Message-ID and Date generated on every call as Django does. The peer is
// bench/django_render.py on the same file; bench/run-render.sh runs both.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "txmail/mail/mime_writer.h"

namespace {

using txmail::mail::Address;

Address parse_address(const std::string& text, std::string_view field) {
    auto address = Address::parse(text, field);
    if (!address)
        throw std::runtime_error(address.error().message);
    return *address;
}

txmail::mail::Message load_message() {
    std::ifstream in(TXMAIL_RENDER_SPEC);
    const auto spec = nlohmann::json::parse(in);
    txmail::mail::Message message;
    message.from = parse_address(spec.at("from"), "from");
    for (const auto& to : spec.at("to"))
        message.to.push_back(parse_address(to, "to"));
    for (const auto& reply_to : spec.at("reply_to"))
        message.reply_to.push_back(parse_address(reply_to, "reply_to"));
    message.subject = spec.at("subject");
    message.text = spec.at("text");
    message.html = spec.at("html").get<std::string>();
    return message;
}

void BM_RenderTextAndHtml(benchmark::State& state) {
    const txmail::mail::Message message = load_message();
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto rendered = txmail::mail::render(message);
        if (!rendered) {
            state.SkipWithError(rendered.error().message.c_str());
            break;
        }
        bytes = rendered->size();
        benchmark::DoNotOptimize(rendered->data());
    }
    state.counters["message_bytes"] = static_cast<double>(bytes);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_RenderTextAndHtml)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
