// The blocking form of a call that answers through a callback: starts it and waits for its one
// answer, so that one implementation serves the callers that can wait and those that cannot.
// The callback must be called exactly once, on any thread but the waiting one's caller's
// (a callback that waits for this thread would never come).
#pragma once

#include <future>
#include <utility>

namespace txmail {

// `start` receives the callback (a function taking T) and must arrange for it to be called.
template <class T, class Start>
T wait_for_answer(Start&& start) {
    std::promise<T> answer;
    auto answered = answer.get_future();
    std::forward<Start>(start)([&answer](T value) { answer.set_value(std::move(value)); });
    return answered.get();
}

}  // namespace txmail
