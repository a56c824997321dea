#include "txmail/stripe/event.h"

#include <map>
#include <vector>

#include "txmail/stripe/event_errors.h"

namespace txmail::stripe {
namespace {

using nlohmann::json;

// What the event keeps: the envelope, and of data.object and data.previous_attributes only what
// map_event() reads (event_mapping.cpp); "[]" is every element of an array. A field the mapping
// starts reading must be added here; test_stripe_event_mapping maps every fixture both from this
// and from the whole JSON, and fails when they differ.
// Why not the whole document: a Stripe object is ~100 fields and nested objects (an invoice's
// lines, a subscription's settings), and building them all into a DOM was the largest single cost
// of a webhook request (~15% of its CPU in a profile of the HTTP benchmark).
constexpr const char* kKeptPaths[] = {
    "id",
    "type",
    "api_version",
    "created",
    "livemode",
    "data.object.id",
    "data.object.customer.id",  // the customer is an ID, or the object when expanded
    "data.object.customer_details.email",
    "data.object.customer_email",
    "data.object.client_reference_id",
    "data.object.payment_status",
    "data.object.subscription.id",  // an ID, or the object when expanded
    "data.object.amount_total",
    "data.object.amount_due",
    "data.object.currency",
    "data.object.hosted_invoice_url",
    "data.object.next_payment_attempt",
    "data.object.metadata.plan",
    "data.object.current_period_end",
    "data.object.ended_at",
    "data.object.items.data.[].current_period_end",
    "data.object.items.data.[].price.id",
    "data.object.items.data.[].price.nickname",
    "data.object.items.data.[].price.lookup_key",
    "data.previous_attributes.items.data.[].price.id",
    "data.previous_attributes.items.data.[].price.nickname",
    "data.previous_attributes.items.data.[].price.lookup_key",
};

// A node of kKeptPaths: a value is kept when its path is a node; a container keeps only the
// children that are nodes too. A scalar is kept wherever its node is, so that "customer" is kept
// both as an ID and, expanded, as an object with its "id".
struct KeptNode {
    std::map<std::string, KeptNode, std::less<>> children;

    const KeptNode* child(std::string_view name) const {
        const auto it = children.find(name);
        return it == children.end() ? nullptr : &it->second;
    }
};

const KeptNode& kept_tree() {
    static const KeptNode tree = [] {
        KeptNode root;
        for (std::string_view path : kKeptPaths) {
            KeptNode* node = &root;
            while (!path.empty()) {
                const auto dot = path.find('.');
                node = &node->children[std::string(path.substr(0, dot))];
                path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
            }
        }
        return root;
    }();
    return tree;
}

// nlohmann's SAX interface, building a DOM of the kept paths only: what is not kept is lexed
// (it must be, to find where it ends) but never allocated.
class KeptFieldsParser {
  public:
    explicit KeptFieldsParser(json& root) : root_(root) {}

    bool null() { return put(nullptr); }
    bool boolean(bool value) { return put(value); }
    bool number_integer(json::number_integer_t value) { return put(value); }
    bool number_unsigned(json::number_unsigned_t value) { return put(value); }
    bool number_float(json::number_float_t value, const std::string&) { return put(value); }
    bool string(std::string& value) { return put(std::move(value)); }
    bool binary(json::binary_t&) { return true; }  // not in JSON text
    bool start_object(std::size_t) { return open(json::value_t::object); }
    bool start_array(std::size_t) { return open(json::value_t::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(std::string& name) {
        if (skipped_depth_ == 0)
            key_.assign(name);  // reuses key_'s buffer: no allocation for a key that is dropped
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

  private:
    struct Open {
        json* value;
        const KeptNode* node;
    };

    // The node of the value about to come, or nullptr when it is not kept.
    const KeptNode* next_node() const {
        if (open_.empty())
            return &kept_tree();
        const Open& parent = open_.back();
        return parent.node->child(parent.value->is_array() ? std::string_view("[]") : key_);
    }

    json* place(json value) {
        if (open_.empty()) {
            root_ = std::move(value);
            return &root_;
        }
        json& parent = *open_.back().value;
        if (parent.is_array()) {
            parent.push_back(std::move(value));
            return &parent.back();
        }
        return &(parent[key_] = std::move(value));
    }

    template <typename Value>
    bool put(Value&& value) {
        if (skipped_depth_ == 0 && next_node() != nullptr)
            place(json(std::forward<Value>(value)));
        return true;
    }

    bool open(json::value_t type) {
        if (skipped_depth_ > 0) {
            ++skipped_depth_;
            return true;
        }
        const KeptNode* node = next_node();
        if (node == nullptr) {
            skipped_depth_ = 1;
            return true;
        }
        // Elements are pushed only once their container is closed, so these pointers stay valid.
        open_.push_back({place(json(type)), node});
        return true;
    }

    bool close() {
        if (skipped_depth_ > 0)
            --skipped_depth_;
        else
            open_.pop_back();
        return true;
    }

    json& root_;
    std::vector<Open> open_;
    std::string key_;
    int skipped_depth_ = 0;  // > 0: inside a container that is not kept
};

}  // namespace

Result<Event> parse_event(std::string_view body) {
    json document;
    KeptFieldsParser parser(document);
    if (!json::sax_parse(body.begin(), body.end(), &parser) || !document.is_object()) {
        return fail(event_errors::not_a_json_object());
    }
    Event event;
    const auto string_field = [&](const char* name, std::string& out) -> Result<void> {
        const auto it = document.find(name);
        if (it == document.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
            return fail(event_errors::missing_string(name));
        }
        out = std::move(it->get_ref<std::string&>());
        return {};
    };
    if (auto ok = string_field("id", event.id); !ok)
        return fail(ok.error());
    if (auto ok = string_field("type", event.type); !ok)
        return fail(ok.error());
    if (const auto it = document.find("api_version"); it != document.end() && it->is_string()) {
        event.api_version = std::move(it->get_ref<std::string&>());
    }
    const auto created = document.find("created");
    if (created == document.end() || !created->is_number_integer()) {
        return fail(event_errors::missing_created());
    }
    event.created = created->get<std::int64_t>();
    if (const auto it = document.find("livemode"); it != document.end() && it->is_boolean()) {
        event.livemode = it->get<bool>();
    }
    const auto data = document.find("data");
    if (data == document.end() || !data->is_object() || !data->contains("object") ||
        !(*data)["object"].is_object()) {
        return fail(event_errors::missing_data_object());
    }
    event.object = std::move((*data)["object"]);
    if (const auto prev = data->find("previous_attributes"); prev != data->end()) {
        event.previous_attributes = std::move(*prev);
    }
    return event;
}

}  // namespace txmail::stripe
