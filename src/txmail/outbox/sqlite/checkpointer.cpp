#include "txmail/outbox/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>

#include "txmail/util/thread_name.h"

namespace txmail::outbox::sqlite {

Checkpointer::Checkpointer(Connection& writer, std::unique_ptr<Connection> own, Options options)
    : writer_(writer), own_(std::move(own)), options_(std::move(options)) {
    writer_.on_commit([this](int frames) { after_commit(frames); });
    thread_ = named_thread("sqlite-ckpt", [this] { copy_loop(); });
}

Checkpointer::~Checkpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    round_due_.notify_one();
    thread_.join();
    writer_.on_commit(nullptr);
}

Checkpointer::Counts Checkpointer::counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

void Checkpointer::after_commit(int frames) {
    std::lock_guard lock(mutex_);
    frames_ = frames;
    committed_ = true;
}

void Checkpointer::copy_if_due() {
    std::unique_lock lock(mutex_);
    if (!committed_)
        return;
    committed_ = false;
    const int frames = frames_;
    bool copy_here = false;
    if (state_ == State::copying && frames >= options_.hold_at) {
        ++counts_.holds;
        round_done_.wait(lock, [&] { return state_ != State::copying; });
        copy_here = true;
    }
    switch (state_) {
        case State::idle:
            if (frames >= options_.start_at) {
                state_ = State::copying;
                round_due_.notify_one();
            }
            break;
        case State::copying:
            break;
        case State::copied:
            if (copy_here || frames - backfilled_ <= options_.finish_at) {
                copy_here = true;
            } else {
                state_ = State::copying;
                round_due_.notify_one();
            }
            break;
        case State::failed:
            copy_here = frames >= options_.start_at;
            break;
    }
    if (!copy_here)
        return;
    lock.unlock();
    auto copied = writer_.checkpoint();
    lock.lock();
    if (copied) {
        ++counts_.by_writer;
        state_ = State::idle;
    } else if (copied.error().kind != ErrorKind::transient) {
        spdlog::warn("outbox: {}", copied.error().message);
    }
}

void Checkpointer::copy_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        round_due_.wait(lock, [&] { return state_ == State::copying || stopping_; });
        if (stopping_)
            return;
        lock.unlock();
        auto copied = options_.round ? options_.round(*own_) : own_->checkpoint();
        lock.lock();
        ++counts_.on_thread;
        if (copied) {
            backfilled_ = copied->backfilled;
            state_ = State::copied;
        } else {
            // The writer checkpoints from here on, and its first success hands the copying back
            // to this thread. Transient: another process's connection is checkpointing the file.
            if (copied.error().kind != ErrorKind::transient)
                spdlog::warn(
                    "outbox: checkpointing the WAL beside the writer failed, the writer "
                    "checkpoints it instead: {}",
                    copied.error().message);
            state_ = State::failed;
        }
        round_done_.notify_one();
    }
}

}  // namespace txmail::outbox::sqlite
