// Reading the rows of a prepared SQLite statement (outbox/sqlite/connection.h) into values with
// a `read(const Statement&) -> T` function: every row, or the first one if any. Step errors come
// back unchanged.
#pragma once

#include <optional>
#include <vector>

#include "txmail/outbox/sqlite/connection.h"

namespace txmail::service {

template <class T, class Read>
Result<std::vector<T>> all_rows(outbox::sqlite::Statement& query, Read read) {
    std::vector<T> rows;
    while (true) {
        auto row = query.step();
        if (!row)
            return fail(row.error());
        if (!*row)
            return rows;
        rows.push_back(read(query));
    }
}

template <class T, class Read>
Result<std::optional<T>> first_row(outbox::sqlite::Statement& query, Read read) {
    auto row = query.step();
    if (!row)
        return fail(row.error());
    if (!*row)
        return std::optional<T>{};
    return std::optional<T>{read(query)};
}

}  // namespace txmail::service
