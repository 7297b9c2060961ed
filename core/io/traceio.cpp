#include "core/io/traceio.h"

#include "core/io/fileio.h"
#include "core/util/decimal.h"

#include <map>

namespace coinfer {

namespace {

const char* const kColumns[] = {"user", "release_ms", "deadline_ms"};

std::string trim(std::string_view text)
{
    const size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return {};
    const size_t last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
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
    bool header = false;
    long long line = 0;
    size_t at = 0;
    while (at <= text.size()) {
        const size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view row = text.substr(at, end - at);
        at = end + 1;
        ++line;
        if (trim(row).empty()) {
            if (end >= text.size())
                break;
            continue;
        }
        std::vector<std::string> cells;
        for (size_t from = 0;;) {
            const size_t comma = row.find(',', from);
            cells.push_back(trim(row.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from)));
            if (comma == std::string_view::npos)
                break;
            from = comma + 1;
        }
        if (!header) {
            for (int c = 0; c < 3; ++c)
                if (static_cast<int>(cells.size()) <= c || cells[static_cast<size_t>(c)] != kColumns[c])
                    return failAt(line, c + 1, "the header must be user,release_ms,deadline_ms");
            if (cells.size() > 3)
                return failAt(line, 0, "the header has " + std::to_string(cells.size()) + " columns; a trace has 3: user,release_ms,deadline_ms");
            header = true;
            continue;
        }
        if (cells.size() != 3)
            return failAt(line, cells.size() < 3 ? static_cast<int>(cells.size()) + 1 : 0,
                          "has " + std::to_string(cells.size()) + " columns, not 3 (user,release_ms,deadline_ms)");
        const auto user = users.find(cells[0]);
        if (user == users.end())
            return failAt(line, 1, "unknown user '" + cells[0] + "' (not an id in the scenario's users)");
        const std::optional<double> release = parsePlainDecimal(cells[1]);
        if (!release)
            return failAt(line, 2, "'" + cells[1] + "' is not a number");
        if (*release < 0)
            return failAt(line, 2, "must be at least 0, not " + cells[1]);
        if (*release >= horizonMs)
            return failAt(line, 2, cells[1] + " is not before the end of the episode (the online block's horizon_ms, "
                                       + trim(std::to_string(horizonMs)) + ")");
        if (!trace.empty() && *release < trace.back().releaseMs)
            return failAt(line, 2, cells[1] + " is earlier than the line before; sort the trace by release_ms");
        const std::optional<double> deadline = parsePlainDecimal(cells[2]);
        if (!deadline)
            return failAt(line, 3, "'" + cells[2] + "' is not a number");
        if (*deadline <= 0)
            return failAt(line, 3, "is relative to the release and must be greater than 0, not " + cells[2]);
        trace.push_back({user->second, *release, *deadline});
        if (end >= text.size())
            break;
    }
    if (!header)
        return failAt(1, 0, "is empty; a trace starts with the header user,release_ms,deadline_ms");
    return trace;
}

Expected<std::vector<TraceArrival>> readArrivalTrace(const std::string& path, const std::vector<std::string>& userIds,
                                                     double horizonMs)
{
    Expected<std::string> text = readTextFile(path);
    if (!text)
        return Unexpected(text.error());
    return parseArrivalTrace(*text, path, userIds, horizonMs);
}

} // namespace coinfer
