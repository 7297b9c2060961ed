#pragma once
// Arrival trace files (docs/formats.md#arrival-trace): recorded online tasks to replay, one per CSV line.

#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// Parses an arrival trace: a header `user,release_ms,deadline_ms`, then one task per line with
/// the user's id (one of @p userIds), its release time in ms (at least 0, never earlier than
/// the line before) and its relative deadline in ms (greater than 0). Fields are CSV as RFC 4180
/// has it (core/io/csv.h: "a,b" is one id with a comma, "" a quote), with spaces around them
/// trimmed; a UTF-8 byte order mark and blank lines are skipped.
/// Fails with "<sourceName>: line L, column C (name): problem" for an unknown user, a bad or
/// negative number, an unsorted release, a release at or after @p horizonMs, a missing column or
/// an unclosed quote; with "<sourceName>: has no arrivals" for a header without tasks (an empty
/// trace is refused, never taken for "no trace"). O(size + users log users).
Expected<std::vector<TraceArrival>> parseArrivalTrace(std::string_view text, const std::string& sourceName,
                                                      const std::vector<std::string>& userIds, double horizonMs);

/// Reads and parses a trace file (errors as parseArrivalTrace, or the file's own).
Expected<std::vector<TraceArrival>> readArrivalTrace(const std::string& path, const std::vector<std::string>& userIds,
                                                     double horizonMs);

} // namespace coinfer
