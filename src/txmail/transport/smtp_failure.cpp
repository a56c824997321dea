#include "txmail/transport/smtp_failure.h"

namespace txmail::transport {
namespace {

// libcurl's error text says which command the refusal answered ("RCPT failed: 550"); the reply
// itself is what the server said.
std::string refused_what(const SmtpTransferFailure& failure, const SmtpOptions& options) {
    const std::string& said = failure.curl_message;
    if (said.starts_with("MAIL failed"))
        return "the server refused the sender";
    if (said.starts_with("RCPT failed"))
        return "the server refused a recipient";
    if (said.starts_with("DATA failed"))
        return "the server refused to take the message data";
    if (failure.curl_code == CURLE_LOGIN_DENIED || said.starts_with("Authentication failed"))
        return "the server refused the credentials of " + options.username;
    if (said.starts_with("STARTTLS"))
        return "the server refused STARTTLS";
    if (said.starts_with("Got unexpected smtp-server response"))
        return "the server refused the session";
    if (failure.data_accepted)
        return "the server refused the message";
    return "the server refused the request";
}

std::string timeout_words(const SmtpOptions& options) {
    const double seconds = static_cast<double>(options.timeout.count()) / 1000.0;
    std::string text = std::to_string(seconds);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.ends_with('.'))
        text.pop_back();
    return text + " s (EMAIL_TIMEOUT)";
}

Error with_field(Error error, std::string field) {
    error.field = std::move(field);
    return error;
}

}  // namespace

Error classify_failure(const SmtpTransferFailure& failure, const SmtpOptions& options) {
    const std::string server = options.endpoint();
    if (failure.reply && failure.reply->code >= 400)
        return refusal(*failure.reply, refused_what(failure, options) + " (" + server + ")");

    const std::string curl = failure.curl_message;
    switch (failure.curl_code) {
        case CURLE_COULDNT_RESOLVE_HOST:
            return with_field(
                Error::transient("cannot resolve EMAIL_HOST \"" + options.host + "\": " + curl),
                "EMAIL_HOST");
        case CURLE_COULDNT_CONNECT:
            return Error::transient("cannot connect to " + server + ": " + curl);
        case CURLE_OPERATION_TIMEDOUT:
            return Error::transient(
                "no answer from " + server + " within " + timeout_words(options) +
                (failure.data_accepted ? " after the message data was sent: it may or may not "
                                         "have been delivered"
                                       : ""));
        case CURLE_USE_SSL_FAILED:
            return Error::config("EMAIL_USE_TLS",
                                 server +
                                     " does not offer STARTTLS, which EMAIL_USE_TLS=True "
                                     "requires: nothing was sent, no credentials were used");
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
            return Error::config("EMAIL_SSL_CAFILE",
                                 "the TLS certificate of " + server + " does not verify (" + curl +
                                     "): nothing was sent" +
                                     (options.ca_file.empty()
                                          ? "; for a server with a private CA, set EMAIL_SSL_CAFILE"
                                          : "; EMAIL_SSL_CAFILE is \"" + options.ca_file + "\""));
        case CURLE_SSL_CERTPROBLEM:
            return Error::config("EMAIL_SSL_CERTFILE",
                                 "the client certificate EMAIL_SSL_CERTFILE \"" +
                                     options.cert_file + "\" cannot be used: " + curl);
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CIPHER:
            return Error::transient(
                "TLS handshake with " + server + " failed: " + curl +
                (options.tls == SmtpTls::implicit
                     ? " (EMAIL_USE_SSL=True needs a port that speaks TLS at once, usually 465; "
                       "for STARTTLS on 587 use EMAIL_USE_TLS=True)"
                     : ""));
        case CURLE_LOGIN_DENIED:
            return Error::permanent("the server " + server + " refused the credentials of " +
                                    options.username + ": " + curl);
        case CURLE_AUTH_ERROR:
            return Error::config("EMAIL_HOST_USER",
                                 "cannot sign in to " + server + " as " + options.username +
                                     ": no authentication mechanism in common (" + curl + ")");
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_PARTIAL_FILE:
            return Error::transient(
                "connection to " + server + " lost " +
                (failure.data_accepted
                     ? "during or after the message data, before the server confirmed it"
                     : "before the message was sent") +
                ": " + curl);
        default:
            return Error::internal("sending to " + server + " failed: " + curl);
    }
}

bool retry_on_fresh_connection(const SmtpTransferFailure& failure) {
    if (!failure.reused_connection || failure.data_accepted)
        return false;
    if (failure.reply && failure.reply->code >= 400)
        return failure.reply->code == 421;  // "closing transmission channel" (RFC 5321 3.8)
    switch (failure.curl_code) {
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_WEIRD_SERVER_REPLY:
            return true;
        default:
            return false;
    }
}

bool ends_batch(const SmtpTransferFailure& failure) {
    switch (failure.curl_code) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_USE_SSL_FAILED:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CIPHER:
        case CURLE_LOGIN_DENIED:
        case CURLE_AUTH_ERROR:
            return true;
        default:
            break;
    }
    // A server that refuses the session itself, or closes a fresh connection, will do it again.
    if (failure.curl_message.starts_with("Got unexpected smtp-server response"))
        return true;
    return failure.reply && failure.reply->code == 421 && !failure.reused_connection;
}

}  // namespace txmail::transport
