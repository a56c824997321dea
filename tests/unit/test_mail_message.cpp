#include "txmail/mail/message.h"

#include <gtest/gtest.h>

namespace txmail::mail {
namespace {

TEST(Message, RecipientsAreToCcBccDeduplicatedInFirstSeenOrder) {
    Message message;
    message.to = {{"Jane", "jane", "example.com"}, {"", "bob", "example.com"}};
    message.cc = {{"Jane again", "jane", "EXAMPLE.com"}, {"", "carol", "example.org"}};
    message.bcc = {
        {"", "Bob", "example.com"}, {"", "dave", "example.net"}, {"", "carol", "Example.Org"}};
    std::vector<std::string> specs;
    for (const Address& address : message.recipients())
        specs.push_back(address.addr_spec());
    // Domains compare case-insensitively, local parts as written.
    EXPECT_EQ(specs,
              (std::vector<std::string>{"jane@example.com", "bob@example.com", "carol@example.org",
                                        "Bob@example.com", "dave@example.net"}));
    EXPECT_EQ(message.recipients()[0].display_name, "Jane");
}

TEST(Message, EnvelopeSenderIsFrom) {
    Message message;
    message.from = {"Boritrade", "noreply", "boritrade.net"};
    EXPECT_EQ(&message.envelope_sender(), &message.from);
}

}  // namespace
}  // namespace txmail::mail
