// The blocking form of a call that answers through a callback: starts it and waits for its one
// answer, so that one implementation serves the callers that can wait and those that cannot.
// The callback must be called exactly once: by `start` before it returns, or later from another
// thread (this one is waiting).
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
