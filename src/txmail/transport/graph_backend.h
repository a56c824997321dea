// The Microsoft Graph backend (EMAIL_BACKEND=graph): POST
// {EMAIL_GRAPH_URL or https://graph.microsoft.com}/v1.0/users/{EMAIL_HOST_USER}/sendMail with a
// bearer token for https://graph.microsoft.com/.default (application permission Mail.Send), one
// request per message on one kept-alive connection. Request and response rules: graph_protocol.h.
//
// Retries inside one send: a 401 invalidates the token and retries once with a fresh one; a 429 or
// 503 with Retry-After waits in process (at most max_waits times and max_wait in total), else it
// returns a transient error that says when to retry, for the outbox to schedule. A config error
// (bad credentials, token refused twice) fails the rest of the batch at once, without asking again.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "txmail/microsoft365/http_client.h"
#include "txmail/microsoft365/token_source.h"
#include "txmail/transport/backend.h"

namespace txmail::transport {

struct GraphOptions {
    std::string graph_url;  // base URL, without /v1.0
    std::string mailbox;    // the user the message is sent as: EMAIL_HOST_USER
    microsoft365::HttpOptions http;
    std::size_t max_request_bytes = 0;
    int max_waits = 2;
    std::chrono::seconds max_wait{60};
    // How the backend waits out a Retry-After; injected so tests need not sleep.
    std::function<void(std::chrono::seconds)> wait;
};

class GraphBackend final : public Backend {
  public:
    GraphBackend(GraphOptions options, std::shared_ptr<microsoft365::TokenSource> tokens);

    std::string_view name() const override { return "graph"; }
    Result<void> open() override;  // gets a token, so bad credentials show before the first send
    std::vector<SendResult> send_messages(std::span<const mail::RenderedMessage> messages) override;

  private:
    SendResult send_one(const mail::RenderedMessage& message);

    GraphOptions options_;
    std::string url_;
    std::shared_ptr<microsoft365::TokenSource> tokens_;
    microsoft365::HttpClient http_;
};

// EMAIL_HOST_USER (required), EMAIL_GRAPH_URL, EMAIL_OAUTH2_* (required), EMAIL_SSL_CAFILE,
// EMAIL_TIMEOUT; config errors name the setting. Gets a first token, so that credentials the
// identity platform refuses fail here, at start-up (a transient failure is left to the sends).
Result<std::unique_ptr<Backend>> make_graph_backend(const config::Settings& settings);

}  // namespace txmail::transport
