#include "core/io/scenariorefs.h"

#include "core/io/fileio.h"
#include "core/util/expected.h"

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <system_error>

namespace coinfer {

namespace scenariorefs_detail {

struct Known {
    const char* block;
    const char* key;
    const char* role;
};

constexpr std::array<Known, 3> kKnown{{
    {"dnn", "description", "DNN description"},
    {"dnn", "gpu_profile", "GPU profile"},
    {"online", "trace", "arrival trace"},
}};

bool mentionsAny(std::string_view text)
{
    for (const Known& known : kKnown)
        if (text.find(std::string("\"") + known.key + "\"") != std::string_view::npos)
            return true;
    return false;
}

/// Keeps only the root's "dnn" and "online" objects and, inside them, the keys of kKnown: the
/// rest of the file (users, tables) is parsed but never stored.
bool keepReferenceKeys(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed)
{
    if (event != nlohmann::json::parse_event_t::key)
        return true;
    const std::string& key = parsed.get_ref<const std::string&>();
    if (depth == 1)
        return key == "dnn" || key == "online";
    if (depth == 2)
        for (const Known& known : kKnown)
            if (key == known.key)
                return true;
    return false;
}

} // namespace scenariorefs_detail

std::vector<ScenarioReference> scenarioReferences(std::string_view text, const std::string& sourceName)
{
    using namespace scenariorefs_detail;
    std::vector<ScenarioReference> references;
    if (!mentionsAny(text))
        return references;
    const nlohmann::json root = nlohmann::json::parse(text.begin(), text.end(), keepReferenceKeys, false);
    if (!root.is_object())
        return references;
    const std::filesystem::path folder = std::filesystem::path(sourceName).parent_path();
    for (const Known& known : kKnown) {
        const auto block = root.find(known.block);
        if (block == root.end() || !block->is_object())
            continue;
        const auto name = block->find(known.key);
        if (name == block->end() || !name->is_string() || name->get_ref<const std::string&>().empty())
            continue;
        // The same resolution as the scenario reader's: relative to the scenario's folder.
        const std::filesystem::path given(name->get_ref<const std::string&>());
        const std::string path = given.is_absolute() || folder.empty() ? given.string() : (folder / given).string();
        std::error_code error;
        if (std::filesystem::exists(path, error))
            references.push_back({std::string(known.block) + "." + known.key, known.role, path});
    }
    return references;
}

std::vector<ScenarioReference> readScenarioReferences(const std::string& path)
{
    const Expected<std::string> text = readTextFile(path);
    return text ? scenarioReferences(*text, path) : std::vector<ScenarioReference>{};
}

std::optional<ScenarioReference> referenceWrittenBy(const std::vector<ScenarioReference>& inputs, const std::string& output)
{
    for (const ScenarioReference& reference : inputs)
        if (sameFile(reference.path, output))
            return reference;
    return std::nullopt;
}

} // namespace coinfer
