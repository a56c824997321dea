// `txmail send`: builds one message from the options, sends it with the configured backend
// (EMAIL_BACKEND) and prints `accepted: <detail>` (for the file backend, the path of the .eml).
// Exit 0 only when the backend accepted it; 1 when it did not (the reason, in the server's words,
// on stderr); 2 for bad options or settings, naming the option or setting and the value.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "txmail/cli/attachment_file.h"
#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/mail/mime_writer.h"
#include "txmail/microsoft365/diagnosis_text.h"
#include "txmail/transport/backend.h"
#include "txmail/transport/mailer.h"

namespace txmail::cli {
namespace {

struct SendOptions {
    std::string from;
    std::vector<std::string> to, cc, bcc, reply_to;
    std::string subject;
    std::string text, text_file;
    std::string html, html_file;
    std::vector<std::string> attach;
    std::vector<std::string> header;
};

// Each occurrence may itself be a comma-separated list (`--to 'a@x, "Doe, J" <j@x>'`).
std::vector<mail::Address> parse_addresses(const std::vector<std::string>& values,
                                           std::string_view option) {
    std::vector<mail::Address> addresses;
    for (const std::string& value : values)
        for (mail::Address& address : require(mail::Address::parse_list(value, option), exit_usage))
            addresses.push_back(std::move(address));
    return addresses;
}

mail::Header parse_header(std::string_view text) {
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0)
        throw CommandFailure(Error::invalid("--header", "--header \"" + std::string(text) +
                                                            "\" is not 'Name: value'"),
                             exit_usage);
    std::string_view value = text.substr(colon + 1);
    while (value.starts_with(' ') || value.starts_with('\t'))
        value.remove_prefix(1);
    return {std::string(text.substr(0, colon)), std::string(value)};
}

std::string body(const std::string& inline_value, const std::string& file,
                 std::string_view file_option) {
    if (file.empty())
        return inline_value;
    return require(read_input_file(file, file_option), exit_usage);
}

mail::Message build_message(const SendOptions& options, const config::Settings& settings) {
    mail::Message message;
    if (!options.from.empty())
        message.from = require(mail::Address::parse(options.from, "--from"), exit_usage);
    else
        message.from = require(
            mail::Address::parse(settings.get_or("DEFAULT_FROM_EMAIL", ""), "DEFAULT_FROM_EMAIL"),
            exit_usage);
    message.to = parse_addresses(options.to, "--to");
    message.cc = parse_addresses(options.cc, "--cc");
    message.bcc = parse_addresses(options.bcc, "--bcc");
    message.reply_to = parse_addresses(options.reply_to, "--reply-to");
    if (message.to.empty() && message.cc.empty() && message.bcc.empty())
        throw CommandFailure(Error::invalid("--to", "no recipient: give --to, --cc or --bcc"),
                             exit_usage);
    message.subject = options.subject;
    message.text = body(options.text, options.text_file, "--text-file");
    if (!options.html.empty() || !options.html_file.empty())
        message.html = body(options.html, options.html_file, "--html-file");
    for (const std::string& header : options.header)
        message.headers.push_back(parse_header(header));
    for (const std::string& path : options.attach)
        message.attachments.push_back(require(read_attachment(path), exit_usage));
    return message;
}

int send(Context& context, const SendOptions& options) {
    const config::Settings& settings = context.settings();
    mail::Message message = build_message(options, settings);
    // A message that cannot be rendered is bad input (a header with a line break, say), not a
    // delivery failure.
    auto rendered = mail::prepare(message);
    if (!rendered)
        throw CommandFailure(rendered.error(), rendered.error().kind == ErrorKind::internal
                                                   ? exit_internal
                                                   : exit_usage);
    // Through the Mailer, so the attempt is logged on the `security` logger like every send.
    transport::Mailer mailer(require(transport::make_backend(settings), exit_usage));
    transport::SendResult result = mailer.send(*rendered);
    mailer.backend().close();
    if (!result) {
        Error error = std::move(result.error());
        error.message = "not sent: " + error.message;
        // The failure line as run() prints it, then what it means and how to fix it, when known.
        const auto diagnosis = microsoft365::diagnose(error);
        if (!diagnosis)
            throw CommandFailure(std::move(error), exit_failed);
        context.err() << "txmail: " << error.describe() << '\n'
                      << microsoft365::format_diagnosis(*diagnosis,
                                                        settings.get_or("EMAIL_HOST_USER", ""));
        return exit_failed;
    }
    context.out() << "accepted: " << result->detail << '\n';
    return exit_ok;
}

}  // namespace

void add_send_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<SendOptions>();
    CLI::App* command =
        app.add_subcommand("send", "Send one message with the configured backend (EMAIL_BACKEND)");
    command->add_option("--from", options->from, "Sender (default: DEFAULT_FROM_EMAIL)");
    command->add_option("--to", options->to, "Recipient; repeatable, or a comma-separated list")
        ->allow_extra_args(false);
    command->add_option("--cc", options->cc, "Copy recipient; repeatable")->allow_extra_args(false);
    command->add_option("--bcc", options->bcc, "Blind copy recipient; repeatable")
        ->allow_extra_args(false);
    command->add_option("--reply-to", options->reply_to, "Reply-To address; repeatable")
        ->allow_extra_args(false);
    command->add_option("--subject", options->subject, "Subject (UTF-8)");
    auto* text = command->add_option("--text", options->text, "Plain-text body");
    auto* text_file = command->add_option("--text-file", options->text_file,
                                          "Read the plain-text body from this file");
    text->excludes(text_file);
    auto* html = command->add_option("--html", options->html, "HTML alternative body");
    auto* html_file =
        command->add_option("--html-file", options->html_file, "Read the HTML body from this file");
    html->excludes(html_file);
    command
        ->add_option("--attach", options->attach,
                     "Attach a file (content type from its extension); repeatable")
        ->allow_extra_args(false);
    command->add_option("--header", options->header, "Extra header 'Name: value'; repeatable")
        ->allow_extra_args(false);
    on_run(*command, context, [&context, options] { return send(context, *options); });
}

}  // namespace txmail::cli
