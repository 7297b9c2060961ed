#pragma once
// Scenario files (docs/formats.md#scenario): the table form, and the richer forms that expand to it.

#include "core/util/expected.h"
#include "core/model/scenario.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// Sizes a reader accepts; larger scenarios are refused as bad input, naming the field to
/// change, before anything of that size is allocated (docs/reliability.md lists the limits).
struct ScenarioLimits {
    long long maxUsers = 10'000'000;
    long long maxBatch = 65'536;
    long long maxSubtasks = 10'000;
    /// users x (sub-tasks + 1): the cells of every per-user table the planners build.
    long long maxTableCells = 25'000'000;
    /// B_max x sub-tasks: the cells of the edge latency curves.
    long long maxCurveCells = 10'000'000;
    /// The expected tasks of one online episode (rates x horizon), and for Bernoulli arrivals
    /// the draws (users x slots) that make them.
    long long maxArrivalsPerEpisode = 10'000'000;
    long long maxArrivalDraws = 1'000'000'000;
};

/// The longest user id (and device class name, which every user of the class copies) in bytes
/// (an id without a limit let a 100 KB file take gigabytes, since every plan, table
/// and message copies ids), and the longest population.id_prefix, which leaves room for the
/// user's number (up to 8 digits).
inline constexpr size_t kMaxIdBytes = 256;
inline constexpr size_t kMaxIdPrefixBytes = 240;

/// The largest value a derived per-user quantity (local time and energy, upload time and
/// energy) may reach; beyond it the reader refuses the user, so no total can overflow.
inline constexpr double kMaxDerivedValue = 1e30;

/// Parses a scenario. Errors name @p sourceName, the field's path and the problem, e.g.
/// "classroom.json: users[3].local_latency_ms[2]: must be at least 0, not -1". Fields it does
/// not know ("users[3].dedline_ms: unknown field, ignored") go to @p warnings when given.
/// O(size + M*N). A table-form file without unknown fields is read by the fast reader
/// (core/io/scenariofast.h, simdjson) in about a tenth of the time and a third of the memory;
/// every other file, and every bad one, by the path-naming reader, so that the result, the
/// message and the warnings never depend on which reader ran. This copies @p text once to pad it
/// for the fast reader; readScenario() does not.
Expected<Scenario> parseScenario(std::string_view text, const std::string& sourceName, const ScenarioLimits& limits = {},
                                 std::vector<std::string>* warnings = nullptr);

/// Reads and parses a scenario file, as parseScenario(); the file is read into a buffer with
/// the fast reader's padding, so a large file is held once. Peak memory for a 51 MB table-form
/// file of 100,000 users: 2.4 times the file (docs/performance.md).
Expected<Scenario> readScenario(const std::string& path, const ScenarioLimits& limits = {},
                                std::vector<std::string>* warnings = nullptr);

/// The scenario in the table form, which every version-1 reader accepts. O(M*N).
std::string scenarioToJson(const Scenario& scenario);

} // namespace coinfer
