// Test tool for the dispatch tests and the latency benchmark: queues N rendered messages in the
// outbox at TXMAIL_DATABASE_URL-style URL in one transaction (Store::enqueue_batch), as a
// fan-out would, far faster than N `txmail enqueue` processes. Each message is rendered by the
// real MIME writer with Subject "<subject> <i>" and a unique Message-ID, so that a test can tell
// duplicates apart at the server. Prints the ids queued, one per line.
//
//   outbox_fill URL [--count N] [--priority P] [--from ADDR] [--to ADDR] [--subject TEXT]
//               [--event NAME]
// Exit 0 when queued; 2 with a message naming the argument or the field otherwise.
#include <iostream>
#include <string>
#include <vector>

#include "txmail/mail/mime_writer.h"
#include "txmail/outbox/store.h"
#include "txmail/util/random.h"

namespace {

using namespace txmail;

struct Arguments {
    std::string url;
    long count = 1;
    int priority = outbox::priority::normal;
    std::string from = "Boritrader <noreply@txmail.test>";
    std::string to = "user@txmail.test";
    std::string subject = "outbox test";
    std::string event = "welcome";
};

int usage(const std::string& problem) {
    std::cerr << "outbox_fill: " << problem
              << "\nusage: outbox_fill URL [--count N] [--priority P] [--from ADDR] [--to ADDR] "
                 "[--subject TEXT] [--event NAME]\n";
    return 2;
}

Result<outbox::NewMessage> make_message(const Arguments& args, long index, const std::string& run) {
    mail::Message message;
    auto from = mail::Address::parse(args.from, "--from");
    if (!from)
        return fail(from.error());
    auto to = mail::Address::parse(args.to, "--to");
    if (!to)
        return fail(to.error());
    message.from = *from;
    message.to = {*to};
    message.subject = args.subject + " " + std::to_string(index);
    message.text = "Message " + std::to_string(index) + " of an outbox test run.\n";
    message.message_id = run + "." + std::to_string(index) + "@txmail.test";
    auto rendered = mail::prepare(message);
    if (!rendered)
        return fail(rendered.error());
    return outbox::NewMessage{
        .event = args.event, .message = std::move(*rendered), .priority = args.priority};
}

}  // namespace

int main(int argc, char** argv) {
    Arguments args;
    std::vector<std::string> rest(argv + 1, argv + argc);
    if (rest.empty())
        return usage("the database URL is missing");
    args.url = rest[0];
    for (std::size_t i = 1; i < rest.size(); i += 2) {
        if (i + 1 >= rest.size())
            return usage(rest[i] + " needs a value");
        const std::string& name = rest[i];
        const std::string& value = rest[i + 1];
        try {
            if (name == "--count")
                args.count = std::stol(value);
            else if (name == "--priority")
                args.priority = std::stoi(value);
            else if (name == "--from")
                args.from = value;
            else if (name == "--to")
                args.to = value;
            else if (name == "--subject")
                args.subject = value;
            else if (name == "--event")
                args.event = value;
            else
                return usage("unknown option " + name);
        } catch (const std::exception&) {
            return usage(name + " \"" + value + "\" is not a number");
        }
    }
    if (args.count < 1)
        return usage("--count must be at least 1");

    auto store = outbox::open_store(args.url);
    if (!store)
        return usage(store.error().describe());
    const std::string run = random_token(6);
    std::vector<outbox::NewMessage> messages;
    messages.reserve(static_cast<std::size_t>(args.count));
    for (long i = 0; i < args.count; ++i) {
        auto message = make_message(args, i, run);
        if (!message)
            return usage(message.error().describe());
        messages.push_back(std::move(*message));
    }
    auto queued = (*store)->enqueue_batch(messages);
    if (!queued)
        return usage(queued.error().describe());
    for (const auto& one : *queued)
        std::cout << one.id << '\n';
    return 0;
}
