// `txmail outbox list|show|retry|cancel|stats|purge`: what the outbox (TXMAIL_DATABASE_URL) holds,
// and the two operator actions. Every subcommand takes --json (outbox/message_json.h shapes).
//
//   list [--status S] [--event E] [--to ADDR] [--after ID] [--limit N]   oldest first; --after
//        pages (the last id shown); columns: id, status, event, to, subject, attempts, next
//        attempt, last error
//   show ID [--raw]    every field and every attempt with the server's reply and the diagnosis;
//                      --raw prints the stored RFC 5322 message instead
//   retry ID           a dead, retry or canceled message becomes due now
//   cancel ID [--reason TEXT]   a queued or retry message is never sent
//   stats              counts by status, the oldest message still waiting, paused senders
//   purge --older-than DURATION   retention, for cron, safe beside a running `txmail serve`:
//                      deletes the sent, dead and canceled messages created longer ago than
//                      DURATION ("90d", "12h") with their attempts, and the Stripe webhook
//                      requests' audit rows received before then
// Exit 2 for bad options or an unknown id, 1 when the action does not apply to the message's
// state (the error names the id and the state) or the store fails.
#include <CLI/CLI.hpp>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/outbox_store.h"
#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/message_json.h"
#include "txmail/service/retention.h"
#include "txmail/util/duration.h"
#include "txmail/util/iso8601.h"
#include "txmail/util/utf8.h"

namespace txmail::cli {
namespace {

struct OutboxOptions {
    bool json = false;
    // list
    std::optional<std::string> status;
    std::optional<std::string> event;
    std::optional<std::string> recipient;
    std::optional<outbox::MessageId> after;
    std::size_t limit = 50;
    // show, retry, cancel
    outbox::MessageId id = 0;
    bool raw = false;
    std::string reason;
    // purge
    std::string older_than;
};

template <class T>
T require_store(Result<T> result) {
    if (!result)
        throw CommandFailure(result.error(), exit_code_for_store_error(result.error()));
    return std::move(*result);
}

// One table cell: control characters (multi-line replies) become spaces, and text longer than
// `width` characters is cut on a character boundary with "...".
std::string cell(std::string_view text, std::size_t width) {
    std::string out;
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length =
            std::min(utf8_sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
        if (chars == width) {
            out.replace(out.size() - 3, 3, "...");
            return out;
        }
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f)
            out += ' ';
        else
            out.append(text.substr(i, length));
        ++chars;
        i += length;
    }
    return out;
}

std::string recipients_cell(const outbox::StoredMessage& m) {
    const auto& recipients = m.message.envelope.recipients;
    if (recipients.empty())
        return "-";
    std::string out = recipients.front();
    if (recipients.size() > 1)
        out += " +" + std::to_string(recipients.size() - 1);
    return out;
}

std::string next_attempt_cell(const outbox::StoredMessage& m) {
    if (m.status == outbox::Status::queued || m.status == outbox::Status::retry)
        return format_iso8601_utc(m.next_attempt_at);
    if (m.status == outbox::Status::sending && m.lease_until)
        return "leased to " + format_iso8601_utc(*m.lease_until);
    return "-";
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    auto display_width = [](const std::string& text) {
        std::size_t chars = 0;
        for (unsigned char c : text)
            chars += (c & 0xC0) != 0x80;
        return chars;
    };
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths.resize(std::max(widths.size(), row.size()));
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
        }
        out << line << '\n';
    }
}

int list(Context& context, const OutboxOptions& options) {
    outbox::ListFilter filter;
    if (options.status) {
        filter.status = outbox::parse_status(*options.status);
        if (!filter.status)
            throw CommandFailure(
                Error::invalid("--status", "--status \"" + *options.status +
                                               "\" is not a status; use queued, sending, sent, "
                                               "retry, dead or canceled"),
                exit_usage);
    }
    filter.event = options.event;
    filter.recipient = options.recipient;
    filter.after_id = options.after;
    filter.limit = options.limit;
    const auto messages = require_store(open_outbox(context)->list(filter));
    if (options.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& m : messages)
            out.push_back(outbox::to_json(m));
        context.out() << out.dump(2) << '\n';
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows = {
        {"ID", "STATUS", "EVENT", "TO", "SUBJECT", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR"}};
    for (const auto& m : messages)
        rows.push_back({std::to_string(m.id), std::string(outbox::to_string(m.status)), m.event,
                        cell(recipients_cell(m), 32), cell(m.message.subject, 40),
                        std::to_string(m.attempt_count), next_attempt_cell(m),
                        m.last_error.empty() ? "-" : cell(m.last_error, 60)});
    print_table(context.out(), rows);
    if (messages.size() == filter.limit)
        context.err() << "more may follow: --after " << messages.back().id << '\n';
    return exit_ok;
}

outbox::StoredMessage require_message(outbox::Store& store, outbox::MessageId id) {
    auto found = require_store(store.get(id));
    if (!found)
        throw CommandFailure(outbox::message_not_found(id), exit_usage);
    return std::move(*found);
}

void print_attempt(std::ostream& out, const outbox::Attempt& attempt) {
    out << "attempt " << attempt.number << ": " << format_iso8601_utc(attempt.started_at) << ", "
        << attempt.backend << ", " << format_duration(attempt.stored_duration()) << ", "
        << (attempt.accepted ? "accepted" : "not accepted") << '\n';
    if (!attempt.detail.empty())
        out << "  reply: " << attempt.detail << '\n';
    if (const auto& error = attempt.error) {
        out << "  error: " << to_string(error->kind) << ": " << error->message << '\n';
        if (error->code != 0 || !error->enhanced_status.empty())
            out << "  code: " << error->code << ' ' << error->enhanced_status << '\n';
        if (!error->reply.empty())
            out << "  reply: " << error->reply << '\n';
    }
    if (!attempt.diagnosis.empty())
        out << "  diagnosis: " << attempt.diagnosis << '\n';
}

int show(Context& context, const OutboxOptions& options) {
    auto store = open_outbox(context);
    const outbox::StoredMessage m = require_message(*store, options.id);
    if (options.raw) {
        context.out() << m.message.bytes;
        return exit_ok;
    }
    const auto attempts = require_store(store->attempts(options.id));
    if (options.json) {
        nlohmann::json out = outbox::to_json(m);
        out["attempts"] = nlohmann::json::array();
        for (const auto& attempt : attempts)
            out["attempts"].push_back(outbox::to_json(attempt));
        context.out() << out.dump(2) << '\n';
        return exit_ok;
    }
    std::ostream& out = context.out();
    std::vector<std::vector<std::string>> fields = {
        {"id:", std::to_string(m.id)},
        {"status:", std::string(outbox::to_string(m.status))},
        {"event:", m.event},
        {"priority:", std::to_string(m.priority)},
        {"idempotency key:", m.idempotency_key.value_or("-")},
        {"created:", format_iso8601_utc(m.created_at)},
        {"next attempt:", next_attempt_cell(m)},
        {"lease owner:", m.lease_owner.empty() ? "-" : m.lease_owner},
        {"attempts:", std::to_string(m.attempt_count)},
        {"last error:", m.last_error.empty() ? "-" : m.last_error},
        {"from (envelope):", m.message.envelope.sender},
    };
    for (const auto& recipient : m.message.envelope.recipients)
        fields.push_back({"to (envelope):", recipient});
    fields.push_back({"subject:", m.message.subject});
    fields.push_back({"message-id:", "<" + m.message.message_id + ">"});
    fields.push_back({"size:", std::to_string(m.message.bytes.size()) + " bytes"});
    print_table(out, fields);
    for (const auto& attempt : attempts)
        print_attempt(out, attempt);
    return exit_ok;
}

// retry and cancel: the message must exist (exit 2), then the store decides if the action
// applies to its state (exit 1 with the id and the state when it does not).
int act(Context& context, const OutboxOptions& options, bool cancel) {
    auto store = open_outbox(context);
    const outbox::Status before = require_message(*store, options.id).status;
    auto done = cancel ? store->cancel(options.id, options.reason)
                       : store->retry(options.id, outbox::Clock::now());
    if (!done)
        throw CommandFailure(done.error(), exit_failed);
    const outbox::Status after = require_message(*store, options.id).status;
    if (options.json) {
        context.out() << nlohmann::json{{"id", options.id},
                                        {"from", outbox::to_string(before)},
                                        {"status", outbox::to_string(after)}}
                             .dump()
                      << '\n';
        return exit_ok;
    }
    context.out() << "message " << options.id << ": " << outbox::to_string(before) << " -> "
                  << outbox::to_string(after) << (cancel ? "" : ", due now") << '\n';
    return exit_ok;
}

int stats(Context& context, const OutboxOptions& options) {
    const outbox::Stats stats = require_store(open_outbox(context)->stats());
    if (options.json) {
        context.out() << outbox::to_json(stats).dump(2) << '\n';
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [status, count] : stats.by_status)
        rows.push_back({std::string(outbox::to_string(status)) + ":", std::to_string(count)});
    print_table(context.out(), rows);
    const auto now = outbox::Clock::now();
    if (stats.oldest_queued) {
        const auto age =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - *stats.oldest_queued);
        context.out() << "oldest waiting: " << format_iso8601_utc(*stats.oldest_queued) << " ("
                      << format_duration(std::max(age, std::chrono::milliseconds{0})) << " ago)\n";
    } else {
        context.out() << "oldest waiting: -\n";
    }
    for (const auto& pause : stats.paused_senders)
        context.out() << "paused sender: " << pause.sender << " until "
                      << format_iso8601_utc(pause.until)
                      << (pause.until <= now ? " (due for a probe)" : "") << ": " << pause.reason
                      << '\n';
    return exit_ok;
}

int purge(Context& context, const OutboxOptions& options) {
    const auto age = require(parse_duration(options.older_than, "--older-than"), exit_usage);
    require(service::check_retention(age, "--older-than", options.older_than), exit_usage);
    const outbox::TimePoint before = outbox::Clock::now() - age;
    const auto store = open_outbox(context);  // first: it migrates the file the ledger is in
    const auto ledger = open_stripe_ledger(context);
    const service::Purged purged = require_store(service::purge_before(*store, *ledger, before));
    if (options.json) {
        context.out() << nlohmann::json{{"before", format_iso8601_utc(before)},
                                        {"messages", purged.messages},
                                        {"stripe_webhook_requests", purged.webhook_requests}}
                             .dump()
                      << '\n';
        return exit_ok;
    }
    context.out() << "purged " << service::describe(purged) << " from before "
                  << format_iso8601_utc(before)
                  << " (Stripe events stay: a redelivery is still a duplicate)\n";
    return exit_ok;
}

}  // namespace

void add_outbox_command(CLI::App& app, Context& context) {
    CLI::App* outbox = app.add_subcommand(
        "outbox",
        "Inspect the outbox (TXMAIL_DATABASE_URL); retry or cancel a message; purge old ones");
    outbox->require_subcommand(1);

    auto add = [&](const char* name, const char* help, auto run) {
        auto options = std::make_shared<OutboxOptions>();
        CLI::App* command = outbox->add_subcommand(name, help);
        command->add_flag("--json", options->json, "Print JSON");
        on_run(*command, context, [&context, options, run] { return run(context, *options); });
        return std::make_pair(command, options);
    };

    auto [list_command, list_options] =
        add("list",
            "Messages, oldest first: id, status, event, to, subject, attempts, next "
            "attempt, last error",
            list);
    list_command->add_option("--status", list_options->status,
                             "queued, sending, sent, retry, dead or canceled");
    list_command->add_option("--event", list_options->event, "Only this event");
    list_command->add_option("--to", list_options->recipient, "Only messages to this address");
    list_command->add_option("--after", list_options->after, "Only ids after this one (paging)");
    list_command->add_option("--limit", list_options->limit, "At most this many (default 50)")
        ->check(CLI::Range(1, 10'000));

    auto [show_command, show_options] = add(
        "show", "Every field of one message and every attempt, with replies and diagnosis", show);
    show_command->add_option("id", show_options->id, "Message id")->required();
    show_command->add_flag("--raw", show_options->raw, "Print the stored RFC 5322 message");

    auto [retry_command, retry_options] =
        add("retry", "Make a dead, retry or canceled message due now",
            [](Context& c, const OutboxOptions& o) { return act(c, o, false); });
    retry_command->add_option("id", retry_options->id, "Message id")->required();

    auto [cancel_command, cancel_options] =
        add("cancel", "Never send a queued or retry message",
            [](Context& c, const OutboxOptions& o) { return act(c, o, true); });
    cancel_command->add_option("id", cancel_options->id, "Message id")->required();
    cancel_command->add_option("--reason", cancel_options->reason,
                               "Kept as the message's last error");

    add("stats", "Counts by status, the oldest message still waiting, paused senders", stats);

    auto [purge_command, purge_options] =
        add("purge",
            "Retention: delete the sent, dead and canceled messages and the Stripe webhook "
            "requests' audit older than --older-than",
            purge);
    purge_command
        ->add_option("--older-than", purge_options->older_than,
                     "Keep what is younger than this, at least 1h: 90d, 12h")
        ->required();
}

}  // namespace txmail::cli
