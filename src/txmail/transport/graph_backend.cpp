#include "txmail/transport/graph_backend.h"

#include <exception>
#include <thread>

#include "txmail/config/settings.h"
#include "txmail/microsoft365/client_credentials_token_source.h"
#include "txmail/microsoft365/oauth_settings.h"
#include "txmail/microsoft365/provider_limits.h"
#include "txmail/transport/graph_protocol.h"

namespace txmail::transport {

namespace {

using graph::Response;

}  // namespace

GraphBackend::GraphBackend(GraphOptions options, std::shared_ptr<microsoft365::TokenSource> tokens)
    : options_(std::move(options)),
      url_(graph::send_mail_url(options_.graph_url, options_.mailbox)),
      tokens_(std::move(tokens)),
      http_(options_.http) {
    if (!options_.wait)
        options_.wait = [](std::chrono::seconds delay) { std::this_thread::sleep_for(delay); };
}

Result<void> GraphBackend::open() {
    auto token = tokens_->token();
    if (!token)
        return fail(token.error());
    return {};
}

std::vector<SendResult> GraphBackend::send_messages(
    std::span<const mail::RenderedMessage> messages) {
    std::vector<SendResult> results;
    results.reserve(messages.size());
    // A config error (no token, token refused) is the same for every message: no more requests.
    std::optional<Error> config_failure;
    for (const auto& message : messages) {
        if (config_failure) {
            results.push_back(fail(*config_failure));
            continue;
        }
        try {
            results.push_back(send_one(message));
        } catch (const std::exception& e) {
            results.push_back(fail(Error::internal(std::string("Graph send failed: ") + e.what())));
        }
        if (!results.back() && results.back().error().kind == ErrorKind::config)
            config_failure = results.back().error();
    }
    return results;
}

SendResult GraphBackend::send_one(const mail::RenderedMessage& message) {
    auto body = graph::send_mail_body(message, options_.max_request_bytes);
    if (!body)
        return fail(body.error());

    bool refreshed = false;
    int waits = 0;
    std::chrono::seconds waited{0};
    for (;;) {
        auto token = tokens_->token();
        if (!token)
            return fail(token.error());
        auto response = http_.post(url_, "text/plain", *body, {"Authorization: Bearer " + *token});
        if (!response)
            return fail(response.error());

        const auto retry_after = response->header("retry-after").and_then([](const std::string& v) {
            return graph::parse_retry_after(v, std::chrono::system_clock::now());
        });
        Response reply = graph::classify_response(response->status, response->body, retry_after,
                                                  response->header("request-id").value_or(""));
        switch (reply.kind) {
            case Response::Kind::accepted:
                return Accepted{.message_id = message.message_id, .detail = reply.detail};
            case Response::Kind::unauthorized:
                // RFC 6750 section 3.1: invalid_token -> get a new one; once, or it loops.
                if (refreshed)
                    return fail(reply.error);
                tokens_->invalidate(*token);
                refreshed = true;
                continue;
            case Response::Kind::throttled:
                if (!reply.retry_after || waits >= options_.max_waits ||
                    waited + *reply.retry_after > options_.max_wait)
                    return fail(reply.error);
                options_.wait(*reply.retry_after);
                waited += *reply.retry_after;
                ++waits;
                continue;
            case Response::Kind::failed:
                return fail(reply.error);
        }
    }
}

Result<std::unique_ptr<Backend>> make_graph_backend(const config::Settings& settings) {
    auto mailbox = settings.get("EMAIL_HOST_USER");
    if (!mailbox)
        return fail(Error::config("EMAIL_HOST_USER",
                                  "EMAIL_HOST_USER must name the mailbox Microsoft Graph sends as "
                                  "(its user principal name, e.g. noreply@example.com)"));
    std::string graph_url = settings.get_or("EMAIL_GRAPH_URL", graph::default_url);
    if (auto checked = microsoft365::check_endpoint_url("EMAIL_GRAPH_URL", graph_url); !checked)
        return fail(checked.error());
    auto oauth = microsoft365::require_oauth_settings(settings, microsoft365::Api::graph);
    if (!oauth)
        return fail(oauth.error());

    GraphOptions options{
        .graph_url = std::move(graph_url),
        .mailbox = *mailbox,
        .http = {.ca_file = oauth->ca_file, .timeout = oauth->timeout},
        .max_request_bytes = microsoft365::graph_max_request_bytes,
    };
    auto backend = std::make_unique<GraphBackend>(std::move(options),
                                                  microsoft365::shared_token_source(*oauth));
    // Bad credentials show at start-up; network trouble is left to the first send and its retry.
    if (auto opened = backend->open(); !opened && opened.error().kind == ErrorKind::config)
        return fail(opened.error());
    return backend;
}

}  // namespace txmail::transport
