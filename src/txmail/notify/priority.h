// Delivery priorities for notifications: higher is sent first when the outbox has a backlog.
//
// The event catalogue gives each event its default (security and billing mail must not wait
// behind a fan-out of ticker alerts); outbox/store.h stores and orders by these numbers, and a
// caller may override them per message. Kept in this tiny header so that the outbox can include
// it without depending on anything else in notify.
#pragma once

namespace txmail::notify::priority {

inline constexpr int low = 0;      // fan-out alerts (view_status_changed)
inline constexpr int normal = 50;  // welcome
inline constexpr int high = 100;   // security and billing

}  // namespace txmail::notify::priority
