#include "core/io/scenarioform.h"

#include "core/io/fileio.h"
#include "core/io/jsonfields.h"
#include "core/io/scenarioentries.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>
#include <utility>

namespace coinfer {

// Keys keep the order the user wrote them in.
using Json = nlohmann::ordered_json;

/// One step of a change: the value of a top-level key (index < 0), or one element of that key's
/// array. An absent before/after means the key or element does not exist on that side; an
/// element that exists on one side only is inserted or erased.
struct FormChange::Op {
    std::string key; ///< top-level key; empty for the whole document
    long long index = -1;
    std::optional<Json> before;
    std::optional<Json> after;
};

FormChange::FormChange() = default;
FormChange::~FormChange() = default;
FormChange::FormChange(const FormChange&) = default;
FormChange& FormChange::operator=(const FormChange&) = default;
FormChange::FormChange(FormChange&&) noexcept = default;
FormChange& FormChange::operator=(FormChange&&) noexcept = default;

void FormChange::append(const FormChange& later)
{
    m_ops.insert(m_ops.end(), later.m_ops.begin(), later.m_ops.end());
    if (!later.m_note.empty())
        m_note = m_note.empty() ? later.m_note : m_note + " " + later.m_note;
    m_row = later.m_row;
}

struct ScenarioForm::State {
    Json document;            ///< the form as edited
    std::string originalText; ///< the bytes read
    std::string readDir;      ///< the directory the file was read from
    int indent = 2;           ///< -1: the file was on one line
    bool trailingNewline = true;
    long long appliedChanges = 0; ///< changes applied since reading, net of reverts (the undo stack's depth)
};

// Named rather than anonymous: ScenarioForm::Editor, a class with external linkage, holds a
// Layout and a ChangeBuilder, and a member of a type with internal linkage would differ per
// translation unit.
namespace formdetail {

/// Where each expanded user of a document comes from.
struct Layout {
    std::vector<size_t> plain;             ///< "users" index of each explicit user, in expanded order
    long long generated = 0;               ///< users the population generates
    std::string prefix = "u";              ///< their ids: prefix + 1..generated
    std::map<long long, size_t> overrides; ///< generated number -> "users" index of the entry replacing it
};

/// The number k of a generated id prefix + k (1 <= k <= generated), or 0.
long long generatedNumber(const std::string& id, const Layout& layout)
{
    if (layout.generated == 0 || id.size() <= layout.prefix.size() || id.compare(0, layout.prefix.size(), layout.prefix) != 0)
        return 0;
    const std::string digits = id.substr(layout.prefix.size());
    if (digits.size() > 18 || digits[0] == '0')
        return 0;
    for (char c : digits)
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return 0;
    const long long number = std::stoll(digits);
    return number <= layout.generated ? number : 0;
}

/// The reader's order: explicit users first, then the population's, an entry with a generated
/// id replacing that user (scenarioio.cpp, applyOverrides). O(M log M).
Layout layoutOf(const Json& document)
{
    Layout layout;
    if (auto population = document.find("population"); population != document.end() && population->is_object()) {
        layout.generated = population->value("count", 0LL);
        layout.prefix = population->value("id_prefix", std::string("u"));
    }
    auto users = document.find("users");
    if (users == document.end() || !users->is_array())
        return layout;
    for (size_t i = 0; i < users->size(); ++i) {
        const long long number = generatedNumber((*users)[i].value("id", std::string()), layout);
        if (number > 0 && layout.overrides.emplace(number, i).second)
            continue;
        layout.plain.push_back(i);
    }
    return layout;
}

/// Whether @p entry reads back, in @p context, as exactly @p user.
bool readsAs(const Json& entry, const User& user, const Scenario& context)
{
    try {
        return detail::readUserEntry(nlohmann::json::parse(entry.dump()), context) == user;
    } catch (const detail::InputError&) {
        return false;
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

const DeviceClass* findClass(const Scenario& context, const std::string& name)
{
    for (const DeviceClass& device : context.deviceClasses)
        if (device.name == name)
            return &device;
    return nullptr;
}

void setOrErase(Json& entry, const char* key, bool keep, double value)
{
    if (keep)
        entry[key] = value;
    else
        entry.erase(key);
}

/// @p base with the values of @p user, in the form @p base uses: its device class or CPU model
/// instead of tables, its distance or channel gain instead of a rate.
Json sameForm(Json base, const User& user, const Scenario& context)
{
    base["id"] = user.id;
    base["deadline_ms"] = user.deadlineMs;
    if (base.contains("local_latency_ms") || base.contains("local_energy_mj")) {
        base["local_latency_ms"] = user.localLatencyMs;
        base["local_energy_mj"] = user.localEnergyMj;
    }
    const DeviceClass* device = findClass(context, base.value("device_class", std::string()));
    const bool statePower = base.contains("tx_power_w") || !device || device->txPowerW != user.txPowerW;
    setOrErase(base, "tx_power_w", statePower, user.txPowerW);
    if (!base.contains("distance_m") && !base.contains("channel_gain"))
        base["uplink_rate_mbps"] = user.uplinkRateMbps;
    setOrErase(base, "arrival_rate_per_s", user.arrivalRatePerSecond > 0, user.arrivalRatePerSecond);
    setOrErase(base, "deadline_jitter", user.deadlineJitter >= 0, user.deadlineJitter);
    return base;
}

/// The table form of one user, as scenarioToJson writes it; reads back as the user everywhere.
Json tableEntry(const User& user, const Scenario& context)
{
    Json entry = {{"id", user.id}};
    if (!user.deviceClass.empty() && findClass(context, user.deviceClass))
        entry["device_class"] = user.deviceClass;
    entry["deadline_ms"] = user.deadlineMs;
    entry["local_latency_ms"] = user.localLatencyMs;
    entry["local_energy_mj"] = user.localEnergyMj;
    entry["uplink_rate_mbps"] = user.uplinkRateMbps;
    entry["tx_power_w"] = user.txPowerW;
    setOrErase(entry, "arrival_rate_per_s", user.arrivalRatePerSecond > 0, user.arrivalRatePerSecond);
    setOrErase(entry, "deadline_jitter", user.deadlineJitter >= 0, user.deadlineJitter);
    return entry;
}

/// The entry closest to @p base's form that reads back as @p user in @p context: the same form;
/// then with a stated rate instead of a distance (and @p note says so); then the table form.
/// Empty when not even the table form reads back (a user the reader would refuse).
std::optional<Json> entryFor(const Json& base, const User& user, const Scenario& context, std::string& note)
{
    Json entry = sameForm(base, user, context);
    if (readsAs(entry, user, context))
        return entry;
    if (entry.contains("distance_m") || entry.contains("channel_gain")) {
        entry.erase("distance_m");
        entry.erase("channel_gain");
        entry["uplink_rate_mbps"] = user.uplinkRateMbps;
        if (readsAs(entry, user, context)) {
            note = "User " + user.id +
                   "'s uplink rate is now stated in the file, since its distance would give another rate "
                   "with the edited power.";
            return entry;
        }
    }
    entry = tableEntry(user, context);
    if (readsAs(entry, user, context)) {
        if (base.contains("cpu") || base.contains("device_class"))
            note = "User " + user.id + " is now written with its local latency and energy tables.";
        return entry;
    }
    return std::nullopt;
}

/// A new entry for @p user: by its device class when it has one, else in the table form.
std::optional<Json> newEntryFor(const User& user, const Scenario& context)
{
    Json base = {{"id", user.id}};
    if (!user.deviceClass.empty() && findClass(context, user.deviceClass))
        base["device_class"] = user.deviceClass;
    std::string formNote; // a new entry has no earlier form to report on
    return entryFor(base, user, context, formNote);
}

Json parseTableForm(const Scenario& scenario)
{
    return Json::parse(scenarioToJson(scenario));
}

const Json* usersOf(const Json& document)
{
    auto users = document.find("users");
    return users != document.end() && users->is_array() ? &*users : nullptr;
}

int detectIndent(const std::string& text)
{
    const size_t newline = text.find('\n');
    if (newline == std::string::npos || newline + 1 >= text.size())
        return -1;
    int spaces = 0;
    for (size_t i = newline + 1; i < text.size() && text[i] == ' '; ++i)
        ++spaces;
    return spaces > 0 ? spaces : 2;
}

} // namespace formdetail

using namespace formdetail;

ScenarioForm::ScenarioForm() : m_state(std::make_unique<State>())
{
}
ScenarioForm::~ScenarioForm() = default;
ScenarioForm::ScenarioForm(const ScenarioForm& other) : m_state(std::make_unique<State>(*other.m_state))
{
}
ScenarioForm& ScenarioForm::operator=(const ScenarioForm& other)
{
    if (this != &other)
        m_state = std::make_unique<State>(*other.m_state);
    return *this;
}
ScenarioForm::ScenarioForm(ScenarioForm&&) noexcept = default;
ScenarioForm& ScenarioForm::operator=(ScenarioForm&&) noexcept = default;

Expected<ScenarioForm> ScenarioForm::parse(std::string text, const std::string& sourceName, Scenario& scenario,
                                           const ScenarioLimits& limits, std::vector<std::string>* warnings)
{
    Expected<Scenario> expanded = parseScenario(text, sourceName, limits, warnings);
    if (!expanded)
        return Unexpected(expanded.error());
    ScenarioForm form;
    try {
        form.m_state->document = Json::parse(text);
    } catch (const nlohmann::json::exception& error) {
        return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + error.what()});
    }
    form.m_state->indent = detectIndent(text);
    form.m_state->trailingNewline = !text.empty() && text.back() == '\n';
    form.m_state->readDir = std::filesystem::path(sourceName).parent_path().string();
    form.m_state->originalText = std::move(text);
    scenario = std::move(*expanded);
    return form;
}

Expected<ScenarioForm> ScenarioForm::read(const std::string& path, Scenario& scenario, const ScenarioLimits& limits,
                                          std::vector<std::string>* warnings)
{
    Expected<std::string> text = readTextFile(path);
    if (!text)
        return Unexpected(text.error());
    return parse(std::move(*text), path, scenario, limits, warnings);
}

ScenarioForm ScenarioForm::tableForm(const Scenario& scenario)
{
    ScenarioForm form;
    form.m_state->originalText = scenarioToJson(scenario);
    form.m_state->document = Json::parse(form.m_state->originalText);
    form.m_state->indent = detectIndent(form.m_state->originalText);
    form.m_state->trailingNewline = !form.m_state->originalText.empty() && form.m_state->originalText.back() == '\n';
    return form;
}

bool ScenarioForm::isUnchanged() const
{
    return m_state->appliedChanges == 0;
}

namespace {

/// @p path (relative to @p fromDir) relative to @p toDir instead; absolute paths stay.
std::string rebase(const std::string& path, const std::string& fromDir, const std::string& toDir)
{
    namespace fs = std::filesystem;
    const fs::path given(path);
    if (given.is_absolute() || path.empty())
        return path;
    std::error_code error;
    const fs::path target = fs::absolute(fs::path(fromDir.empty() ? "." : fromDir) / given, error).lexically_normal();
    const fs::path base = fs::absolute(fs::path(toDir.empty() ? "." : toDir), error).lexically_normal();
    const fs::path relative = target.lexically_relative(base);
    return relative.empty() ? target.string() : relative.string();
}

bool sameDirectory(const std::string& a, const std::string& b)
{
    namespace fs = std::filesystem;
    std::error_code error;
    return fs::absolute(fs::path(a.empty() ? "." : a), error).lexically_normal() ==
           fs::absolute(fs::path(b.empty() ? "." : b), error).lexically_normal();
}

} // namespace

std::string ScenarioForm::text(const std::string& saveDir) const
{
    const bool rebasing = !saveDir.empty() && !sameDirectory(saveDir, m_state->readDir);
    Json document = m_state->document;
    bool moved = false;
    if (rebasing) {
        // Every path a scenario reads relative to its own folder.
        const std::pair<const char*, const char*> references[] = {
            {"dnn", "description"}, {"dnn", "gpu_profile"}, {"online", "trace"}};
        for (const auto& [block, key] : references)
            if (auto section = document.find(block); section != document.end() && section->is_object())
                if (auto file = section->find(key); file != section->end() && file->is_string()) {
                    const std::string rebased = rebase(file->get<std::string>(), m_state->readDir, saveDir);
                    moved = moved || rebased != file->get<std::string>();
                    *file = rebased;
                }
    }
    if (isUnchanged() && !moved)
        return m_state->originalText;
    std::string text = document.dump(m_state->indent);
    if (m_state->trailingNewline)
        text += '\n';
    return text;
}

void ScenarioForm::apply(const FormChange& change)
{
    if (change.m_ops.empty())
        return;
    Json& document = m_state->document;
    for (const FormChange::Op& op : change.m_ops) {
        if (op.key.empty()) {
            document = *op.after;
        } else if (op.index < 0) {
            if (op.after)
                document[op.key] = *op.after;
            else
                document.erase(op.key);
        } else {
            Json& array = document[op.key];
            const auto at = array.begin() + static_cast<std::ptrdiff_t>(op.index);
            if (op.before && op.after)
                *at = *op.after;
            else if (op.after)
                array.insert(at, *op.after);
            else
                array.erase(at);
        }
    }
    ++m_state->appliedChanges;
}

void ScenarioForm::revert(const FormChange& change)
{
    if (change.m_ops.empty())
        return;
    Json& document = m_state->document;
    for (auto op = change.m_ops.rbegin(); op != change.m_ops.rend(); ++op) {
        if (op->key.empty()) {
            document = *op->before;
        } else if (op->index < 0) {
            if (op->before)
                document[op->key] = *op->before;
            else
                document.erase(op->key);
        } else {
            Json& array = document[op->key];
            const auto at = array.begin() + static_cast<std::ptrdiff_t>(op->index);
            if (op->before && op->after)
                *at = *op->before;
            else if (op->after)
                array.erase(at);
            else
                array.insert(at, *op->before);
        }
    }
    --m_state->appliedChanges;
}

namespace formdetail {

/// Builds a FormChange step by step against a document that the steps would produce.
class ChangeBuilder {
public:
    explicit ChangeBuilder(const Json& document) : m_document(document) { }

    void setKey(const std::string& key, std::optional<Json> after)
    {
        auto found = m_document.find(key);
        std::optional<Json> before = found != m_document.end() ? std::optional<Json>(*found) : std::nullopt;
        if (before == after)
            return;
        m_ops.push_back({key, -1, std::move(before), std::move(after)});
    }
    void replaceElement(const std::string& key, size_t index, const Json& before, Json after)
    {
        if (before != after)
            m_ops.push_back({key, static_cast<long long>(index), before, std::move(after)});
    }
    void insertElement(const std::string& key, size_t index, Json after)
    {
        m_ops.push_back({key, static_cast<long long>(index), std::nullopt, std::move(after)});
    }
    void eraseElement(const std::string& key, size_t index, Json before)
    {
        m_ops.push_back({key, static_cast<long long>(index), std::move(before), std::nullopt});
    }
    std::vector<FormChange::Op> take() { return std::move(m_ops); }

private:
    const Json& m_document;
    std::vector<FormChange::Op> m_ops;
};

} // namespace formdetail

/// Shared steps of the edit functions, with access to FormChange's internals.
struct ScenarioForm::Editor {
    Editor(const Json& formDocument, const Scenario& currentScenario) : document(formDocument), current(currentScenario) { }

    const Json& document;
    const Scenario& current;
    Layout layout = layoutOf(document);
    ChangeBuilder builder{document};
    FormChange change;

    /// The whole document in the table form of @p after, for what no finer change can say.
    FormChange wholeTableForm(const Scenario& after, const std::string& why)
    {
        FormChange whole;
        whole.m_ops.push_back({"", -1, document, parseTableForm(after)});
        whole.m_note = why + " The scenario is now written in the table form.";
        return whole;
    }

    /// Writes the population out as explicit entries (an entry replacing a generated user takes
    /// its place) and drops it; afterwards "users" is in expanded order. @return the new "users".
    Json writeOutPopulation()
    {
        Json users = Json::array();
        const Json* old = usersOf(document);
        for (size_t index : layout.plain)
            users.push_back((*old)[index]);
        for (long long g = 0; g < layout.generated; ++g) {
            auto override = layout.overrides.find(g + 1);
            if (override != layout.overrides.end()) {
                users.push_back((*old)[override->second]);
                continue;
            }
            std::optional<Json> entry = newEntryFor(current.users[layout.plain.size() + static_cast<size_t>(g)], current);
            users.push_back(entry ? *entry : Json(nullptr));
        }
        builder.setKey("users", users);
        builder.setKey("population", std::nullopt);
        change.m_note = "The population's " + std::to_string(layout.generated) + " users are now written out in \"users\".";
        return users;
    }

    FormChange finish(int row)
    {
        change.m_ops = builder.take();
        change.m_row = row;
        return std::move(change);
    }
};

FormChange ScenarioForm::editUser(const Scenario& current, int row, const User& user) const
{
    Editor editor{m_state->document, current};
    const Layout& layout = editor.layout;
    Scenario after = current;
    after.users[static_cast<size_t>(row)] = user;
    const std::string unwritable = "User " + user.id + " cannot be written in the file's form.";
    const Json* users = usersOf(m_state->document);
    std::string note;
    auto editEntry = [&](size_t index) {
        std::optional<Json> entry = entryFor((*users)[index], user, current, note);
        if (!entry)
            return editor.wholeTableForm(after, unwritable);
        editor.builder.replaceElement("users", index, (*users)[index], *entry);
        editor.change.m_note = note;
        return editor.finish(row);
    };
    const size_t plainCount = layout.plain.size();
    if (static_cast<size_t>(row) < plainCount)
        return editEntry(layout.plain[static_cast<size_t>(row)]);

    const long long number = row - static_cast<long long>(plainCount) + 1;
    if (user.id == layout.prefix + std::to_string(number)) {
        if (auto override = layout.overrides.find(number); override != layout.overrides.end())
            return editEntry(override->second);
        // The generated user becomes one entry of "users", which replaces it; the population
        // still generates the others.
        std::optional<Json> entry = newEntryFor(user, current);
        if (!entry)
            return editor.wholeTableForm(after, unwritable);
        if (!users)
            editor.builder.setKey("users", Json::array());
        editor.builder.insertElement("users", users ? users->size() : 0, *entry);
        editor.change.m_note = "User " + user.id + " is now written out in \"users\"; the population still generates the others.";
        return editor.finish(row);
    }
    // A generated user with a new id can no longer be one of the population's.
    const Json written = editor.writeOutPopulation();
    std::optional<Json> entry = entryFor(written[static_cast<size_t>(row)], user, current, note);
    if (!entry)
        return editor.wholeTableForm(after, unwritable);
    editor.builder.replaceElement("users", static_cast<size_t>(row), written[static_cast<size_t>(row)], *entry);
    return editor.finish(row);
}

FormChange ScenarioForm::insertUser(const Scenario& current, int row, const User& user) const
{
    Editor editor{m_state->document, current};
    const Layout& layout = editor.layout;
    Scenario after = current;
    const size_t placed = std::min(static_cast<size_t>(std::max(row, 0)), layout.plain.size());
    after.users.insert(after.users.begin() + static_cast<std::ptrdiff_t>(placed), user);
    std::optional<Json> entry = newEntryFor(user, current);
    if (!entry || generatedNumber(user.id, layout) > 0)
        return editor.wholeTableForm(after, "User " + user.id + " cannot be added in the file's form.");
    const Json* users = usersOf(m_state->document);
    if (!users)
        editor.builder.setKey("users", Json::array());
    const size_t index = placed < layout.plain.size() ? layout.plain[placed] : (users ? users->size() : 0);
    editor.builder.insertElement("users", index, *entry);
    return editor.finish(static_cast<int>(placed));
}

FormChange ScenarioForm::removeUser(const Scenario& current, int row) const
{
    Editor editor{m_state->document, current};
    const Layout& layout = editor.layout;
    if (static_cast<size_t>(row) < layout.plain.size()) {
        const size_t index = layout.plain[static_cast<size_t>(row)];
        editor.builder.eraseElement("users", index, (*usersOf(m_state->document))[index]);
        return editor.finish(row);
    }
    const Json users = editor.writeOutPopulation();
    editor.builder.eraseElement("users", static_cast<size_t>(row), users[static_cast<size_t>(row)]);
    return editor.finish(row);
}

namespace {

/// Whether @p before and @p after are the same chain of layers (names, sizes, FLOPs, input).
bool sameLayers(const Dnn& before, const Dnn& after)
{
    if (before.name != after.name || before.inputBytes != after.inputBytes || before.subtasks.size() != after.subtasks.size())
        return false;
    for (size_t n = 0; n < before.subtasks.size(); ++n) {
        const Subtask& a = before.subtasks[n];
        const Subtask& b = after.subtasks[n];
        if (a.name != b.name || a.outputBytes != b.outputBytes || a.flops != b.flops ||
            a.edgeLatencyMs.size() != b.edgeLatencyMs.size())
            return false;
    }
    return true;
}

} // namespace

FormChange ScenarioForm::replaceScenario(const Scenario& current, const Scenario& after) const
{
    Editor editor{m_state->document, current};
    const Json& document = m_state->document;
    if (current.name != after.name || current.online != after.online || current.deviceClasses != after.deviceClasses ||
        current.hasChannel != after.hasChannel || current.channel != after.channel || current.users.size() != after.users.size())
        return editor.wholeTableForm(after, "This change has no finer form in the file.");
    std::string note;
    if (current.dnn != after.dnn) {
        const Json dnn = document.value("dnn", Json::object());
        const Json subtasks = dnn.value("subtasks", Json());
        if (sameLayers(current.dnn, after.dnn) && subtasks.is_array() && subtasks.size() == after.dnn.subtasks.size()) {
            Json edited = dnn;
            for (size_t n = 0; n < subtasks.size(); ++n) {
                if (current.dnn.subtasks[n].edgeLatencyMs == after.dnn.subtasks[n].edgeLatencyMs)
                    continue;
                Json& subtask = edited["subtasks"][n];
                subtask.erase("edge_affine_ms");
                subtask.erase("edge_constant_ms");
                subtask["edge_latency_ms"] = after.dnn.subtasks[n].edgeLatencyMs;
            }
            editor.builder.setKey("dnn", edited);
        } else {
            editor.builder.setKey("dnn", parseTableForm(after)["dnn"]);
            if (dnn.contains("builtin") || dnn.contains("description"))
                note = "The DNN is now written out as tables in the file.";
        }
    }
    // Local tables follow a new DNN: explicit entries in the table form get the new tables;
    // device classes and generated users give them by themselves.
    const Layout& layout = editor.layout;
    const Json* users = usersOf(document);
    for (size_t m = 0; m < after.users.size(); ++m) {
        if (current.users[m] == after.users[m] && current.dnn == after.dnn)
            continue;
        size_t index = 0;
        if (m < layout.plain.size())
            index = layout.plain[m];
        else if (auto override = layout.overrides.find(static_cast<long long>(m - layout.plain.size()) + 1);
                 override != layout.overrides.end())
            index = override->second;
        else if (current.users[m] == after.users[m])
            continue;
        else
            return editor.wholeTableForm(after, "A generated user changed.");
        std::string userNote;
        std::optional<Json> entry = entryFor((*users)[index], after.users[m], after, userNote);
        if (!entry)
            return editor.wholeTableForm(after, "User " + after.users[m].id + " cannot be written in the file's form.");
        editor.builder.replaceElement("users", index, (*users)[index], *entry);
    }
    editor.change.m_note = note;
    return editor.finish(-1);
}

} // namespace coinfer
