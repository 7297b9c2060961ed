#pragma once
// Internal to core/io: a fast reader for the plain table form of a scenario
// (docs/formats.md#the-table-form), the form of large files. It accepts only what the path-naming reader (scenarioio.cpp) accepts with
// the same result and no warning; for anything else it gives up, and the caller reruns that
// reader, which produces the message or the warnings. So messages and warnings never depend on
// which reader ran.

#include "core/io/scenarioio.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer::detail {

/// Whether this build has the fast reader (it needs simdjson, Debian's libsimdjson-dev).
bool haveFastScenarioReader();

/// The bytes past the end of a text that the fast reader may read (but never uses): a buffer
/// handed to readTableScenarioFast() must hold size + kFastReaderPadding readable bytes.
inline constexpr std::size_t kFastReaderPadding = 64;

/// Reads @p size bytes at @p text, whose buffer holds at least size + kFastReaderPadding bytes,
/// when they are a valid scenario in the table form that the path-naming reader would read
/// without a warning, to the same Scenario. Returns nothing, without a message, for everything
/// else: invalid JSON, an invalid value, a field it does not know (unknown fields, but also
/// "population", "online", "cpu", channel distances, DNN descriptions, duplicate keys, strings
/// with escapes, -0), or a build without simdjson. Never throws.
/// O(size + M*N); memory: the parser's index of the text (4 bytes per JSON token) and the model.
std::optional<Scenario> readTableScenarioFast(const char* text, std::size_t size, const ScenarioLimits& limits);

/// The path-naming reader alone: builds the whole document (nlohmann-json), reads it through
/// Field, and reports unknown fields; parseScenario() without the fast reader. O(size + M*N),
/// with the document in memory (about five times the text).
Expected<Scenario> parseScenarioWithPaths(std::string_view text, const std::string& sourceName, const ScenarioLimits& limits,
                                          std::vector<std::string>* warnings);

/// Why @p user's derived quantities (local time and energy, upload time and energy) cannot be
/// represented, or an empty string. Shared by both readers. O(N).
std::string unrepresentable(const User& user, const Dnn& dnn);

} // namespace coinfer::detail
