// SMTP throughput of txmail's backend: N messages of a given body size over C connections, each
// connection a thread with its own SmtpBackend (as the outbox's workers have), every thread
// sending its share as one batch on its one connection. Prints messages per second.
//
//   smtp_throughput --host 127.0.0.1 --port 2525 --messages 5000 --connections 4 --size 1000
//
// The clock runs from before the first message is built (mail::prepare: MIME rendering is part
// of the cost) until the last reply. Plain SMTP without AUTH, as postfix's smtp-source speaks to
// smtp-sink, so that the comparison is about the client.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "txmail/mail/mime_writer.h"
#include "txmail/transport/smtp_backend.h"

namespace {

using namespace txmail;

struct Arguments {
    std::string host = "127.0.0.1";
    int port = 25;
    int messages = 1000;
    int connections = 1;
    std::size_t size = 1000;
};

// A body of `size` bytes in 78-character lines, like smtp-source's -l payload.
std::string body_of(std::size_t size) {
    std::string body;
    body.reserve(size);
    while (body.size() < size) {
        const std::size_t line = std::min<std::size_t>(76, size - body.size());
        body.append(line > 1 ? line - 1 : line, 'X');
        if (line > 1)
            body += '\n';
    }
    return body;
}

struct ThreadResult {
    int sent = 0;
    int failed = 0;
    std::size_t connections_opened = 0;
    std::string first_error;
};

ThreadResult run_connection(const transport::SmtpOptions& options, int count,
                            const std::string& body, int thread) {
    ThreadResult result;
    transport::SmtpBackend backend(options);
    std::vector<mail::RenderedMessage> batch;
    batch.reserve(count);
    mail::Message message;
    message.from = *mail::Address::parse("bench@example.com", "from");
    message.to = {*mail::Address::parse("sink@example.com", "to")};
    message.text = body;
    for (int i = 0; i < count; ++i) {
        message.subject = "Throughput " + std::to_string(thread) + "-" + std::to_string(i);
        auto prepared = mail::prepare(message);
        if (!prepared) {
            result.failed = count;
            result.first_error = prepared.error().describe();
            return result;
        }
        batch.push_back(std::move(*prepared));
    }
    for (const auto& sent : backend.send_messages(batch)) {
        if (sent) {
            ++result.sent;
        } else {
            if (result.failed++ == 0)
                result.first_error = sent.error().describe();
        }
    }
    result.connections_opened = backend.connections_opened();
    backend.close();
    return result;
}

int usage(const char* problem) {
    std::cerr << "smtp_throughput: " << problem
              << "\nusage: smtp_throughput --host H --port P --messages N --connections C "
                 "--size BYTES\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Arguments args;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const std::string option = argv[i];
        const std::string value = argv[i + 1];
        try {
            if (option == "--host")
                args.host = value;
            else if (option == "--port")
                args.port = std::stoi(value);
            else if (option == "--messages")
                args.messages = std::stoi(value);
            else if (option == "--connections")
                args.connections = std::stoi(value);
            else if (option == "--size")
                args.size = std::stoul(value);
            else
                return usage(("unknown option " + option).c_str());
        } catch (const std::exception&) {
            return usage(("bad value for " + option + ": " + value).c_str());
        }
    }
    if (args.messages < 1 || args.connections < 1 || args.port < 1)
        return usage("--messages, --connections and --port must be positive");

    transport::SmtpOptions options;
    options.host = args.host;
    options.port = args.port;
    options.timeout = std::chrono::seconds(30);
    const std::string body = body_of(args.size);

    std::vector<ThreadResult> results(args.connections);
    std::vector<std::thread> threads;
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < args.connections; ++t) {
        const int share = args.messages / args.connections + (t < args.messages % args.connections);
        threads.emplace_back(
            [&, t, share] { results[t] = run_connection(options, share, body, t); });
    }
    for (auto& thread : threads)
        thread.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    ThreadResult total;
    for (const auto& r : results) {
        total.sent += r.sent;
        total.failed += r.failed;
        total.connections_opened += r.connections_opened;
        if (total.first_error.empty())
            total.first_error = r.first_error;
    }
    std::printf(
        "messages=%d connections=%d size=%zu sent=%d failed=%d connections_opened=%zu "
        "seconds=%.3f messages_per_second=%.1f\n",
        args.messages, args.connections, args.size, total.sent, total.failed,
        total.connections_opened, seconds, total.sent / seconds);
    if (total.failed > 0) {
        std::fprintf(stderr, "smtp_throughput: %d failed, first: %s\n", total.failed,
                     total.first_error.c_str());
        return 1;
    }
    return 0;
}
