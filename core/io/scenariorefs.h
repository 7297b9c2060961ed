#pragma once
// The files a scenario refers to (its DNN description, GPU profile and arrival trace): inputs of
// every command that reads the scenario, so that no command and no Save writes over them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// One file a scenario names, resolved as the scenario reader resolves it.
struct ScenarioReference {
    std::string field; ///< where the scenario names it, e.g. "dnn.description"
    std::string role;  ///< what it is to the scenario, e.g. "DNN description"
    std::string path;  ///< relative names resolved against the scenario's folder
};

/// The existing files that scenario text @p text, read from @p sourceName, refers to:
/// dnn.description, dnn.gpu_profile and online.trace, resolved against the folder of
/// @p sourceName. A name that is no file (a built-in DNN) is left out. Text that is not JSON, or
/// names none of these fields, gives an empty list: the scenario reader reports bad files. Only
/// those fields are kept while parsing, so memory stays small for any size. O(size).
std::vector<ScenarioReference> scenarioReferences(std::string_view text, const std::string& sourceName);

/// scenarioReferences() of the file at @p path; empty when it cannot be read. O(size).
std::vector<ScenarioReference> readScenarioReferences(const std::string& path);

/// The first of @p inputs that @p output would write over (the same file by sameFile(): device
/// and inode), or nullopt. Returned by value, so a temporary list may be passed.
/// O(references).
std::optional<ScenarioReference> referenceWrittenBy(const std::vector<ScenarioReference>& inputs, const std::string& output);

} // namespace coinfer
