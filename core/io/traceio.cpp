#include "core/io/traceio.h"

#include "core/io/csv.h"
#include "core/io/fileio.h"
#include "core/util/decimal.h"
#include "core/util/text.h"

#include <cstddef>
#include <map>
#include <optional>
#include <utility>

namespace coinfer {

namespace {

const char* const kColumns[] = {"user", "release_ms", "deadline_ms"};

/// What is wrong with one data row, and in which column (0: the row as a whole).
struct RowProblem {
    int column = 0;
    std::string problem;
};

/// Reads one data row of a trace into @p arrival, or says what is wrong with it. O(cells + log users).
std::optional<RowProblem> readArrival(const std::vector<std::string>& cells, const std::map<std::string, int>& users,
                                      double horizonMs, const TraceArrival* previous, TraceArrival& arrival)
{
    if (cells.size() != 3)
        return RowProblem{cells.size() < 3 ? static_cast<int>(cells.size()) + 1 : 0,
                          "has " + std::to_string(cells.size()) + " columns, not 3 (user,release_ms,deadline_ms)"};
    const auto user = users.find(cells[0]);
    if (user == users.end())
        return RowProblem{1, "unknown user '" + cells[0] + "' (not an id in the scenario's users)"};
    const std::optional<double> release = parsePlainDecimal(cells[1]);
    if (!release)
        return RowProblem{2, "'" + cells[1] + "' is not a number"};
    if (*release < 0)
        return RowProblem{2, "must be at least 0, not " + cells[1]};
    if (*release >= horizonMs)
        return RowProblem{2, cells[1] + " is not before the end of the episode (the online block's horizon_ms, " +
                                 trimmed(std::to_string(horizonMs)) + ")"};
    if (previous && *release < previous->releaseMs)
        return RowProblem{2, cells[1] + " is earlier than the line before; sort the trace by release_ms"};
    const std::optional<double> deadline = parsePlainDecimal(cells[2]);
    if (!deadline)
        return RowProblem{3, "'" + cells[2] + "' is not a number"};
    if (*deadline <= 0)
        return RowProblem{3, "is relative to the release and must be greater than 0, not " + cells[2]};
    arrival = {user->second, *release, *deadline};
    return std::nullopt;
}

} // namespace

Expected<std::vector<TraceArrival>> parseArrivalTrace(std::string_view text, const std::string& sourceName,
                                                      const std::vector<std::string>& userIds, double horizonMs)
{
    std::map<std::string, int> users;
    for (size_t i = 0; i < userIds.size(); ++i)
        users.emplace(userIds[i], static_cast<int>(i));
    std::vector<TraceArrival> trace;
    const auto failAt = [&](long long line, int column, const std::string& problem) {
        std::string where = sourceName + ": line " + std::to_string(line);
        if (column > 0)
            where += ", column " + std::to_string(column) + " (" + kColumns[column - 1] + ")";
        return Unexpected(Error{ErrorCode::BadInput, where + ": " + problem});
    };
    // A spreadsheet's "CSV UTF-8" starts with a byte order mark; the JSON readers skip one too.
    text = withoutUtf8Bom(text);
    bool header = false;
    long long line = 1; // the line the next record starts on
    size_t at = 0;
    std::vector<std::string> cells;
    while (at < text.size()) {
        const long long recordLine = line;
        if (!readCsvRecord(text, at, cells, line))
            return failAt(recordLine, 0, "a quoted field is not closed (a '\"' without its partner)");
        for (std::string& cell : cells)
            cell = trimmed(cell);
        if (cells.size() == 1 && cells[0].empty())
            continue; // a blank line
        if (!header) {
            for (int c = 0; c < 3; ++c)
                if (static_cast<int>(cells.size()) <= c || cells[static_cast<size_t>(c)] != kColumns[c])
                    return failAt(recordLine, c + 1, "the header must be user,release_ms,deadline_ms");
            if (cells.size() > 3)
                return failAt(recordLine, 0,
                              "the header has " + std::to_string(cells.size()) +
                                  " columns; a trace has 3: user,release_ms,deadline_ms");
            header = true;
            continue;
        }
        TraceArrival arrival;
        if (const auto bad = readArrival(cells, users, horizonMs, trace.empty() ? nullptr : &trace.back(), arrival))
            return failAt(recordLine, bad->column, bad->problem);
        trace.push_back(arrival);
    }
    if (!header)
        return failAt(1, 0, "is empty; a trace starts with the header user,release_ms,deadline_ms");
    // Taken for "no trace", an empty trace would run generated arrivals in its place, silently.
    if (trace.empty())
        return Unexpected(
            Error{ErrorCode::BadInput, sourceName + ": has no arrivals, only the header; a trace needs at least one line "
                                                    "user,release_ms,deadline_ms (leave the trace out to generate arrivals)"});
    return trace;
}

Expected<std::vector<TraceArrival>> readArrivalTrace(const std::string& path, const std::vector<std::string>& userIds,
                                                     double horizonMs)
{
    return readTextFile(path).and_then(
        [&](const std::string& text) { return parseArrivalTrace(text, path, userIds, horizonMs); });
}

} // namespace coinfer
