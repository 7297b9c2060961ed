#include "core/io/planio.h"

#include "core/io/csv.h"
#include "core/io/jsonfields.h"
#include "core/util/tolerance.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace coinfer {

using detail::Field;
using detail::InputError;
using nlohmann::json;

namespace {

/// Writes JSON text exactly as nlohmann's dump(2) writes the same document, without building the
/// document: members must come in the order of their keys (nlohmann's objects are sorted maps),
/// numbers go through nlohmann's own formatting. At 10^6 users the document took most of the
/// writer's time and several times the text in memory.
class PrettyWriter {
public:
    explicit PrettyWriter(std::string& out) : m_out(out) { }

    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }

    /// The next member's key; its value follows.
    void key(std::string_view name)
    {
        element();
        m_out += '"';
        m_out += name;
        m_out += "\": ";
        m_keyed = true;
    }

    /// A double as nlohmann writes it: shortest round-trip digits, "1.0" for whole numbers, null
    /// for NaN and infinities.
    void number(double value)
    {
        element();
        if (!std::isfinite(value)) {
            m_out += "null";
            return;
        }
        char buffer[64];
        char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, value);
        m_out.append(buffer, static_cast<size_t>(end - buffer));
    }

    void integer(long long value)
    {
        element();
        char buffer[32];
        const std::to_chars_result end = std::to_chars(buffer, buffer + sizeof buffer, value);
        m_out.append(buffer, static_cast<size_t>(end.ptr - buffer));
    }

    void boolean(bool value)
    {
        element();
        m_out += value ? "true" : "false";
    }

    /// A string; plain printable ASCII is copied, anything else is escaped by nlohmann (which
    /// throws on invalid UTF-8, as dump() did).
    void string(const std::string& value)
    {
        element();
        const bool plain =
            std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
        if (plain) {
            m_out += '"';
            m_out += value;
            m_out += '"';
        } else {
            m_out += json(value).dump();
        }
    }

private:
    void open(char bracket)
    {
        element();
        m_out += bracket;
        m_count.push_back(0);
    }

    void close(char bracket)
    {
        const bool empty = m_count.back() == 0;
        m_count.pop_back();
        if (!empty) {
            m_out += '\n';
            m_out.append(2 * m_count.size(), ' ');
        }
        m_out += bracket;
    }

    /// Before a value: nothing right after its key; otherwise the comma and the new line of the
    /// next element of the open container.
    void element()
    {
        if (m_keyed) {
            m_keyed = false;
            return;
        }
        if (m_count.empty())
            return;
        m_out += m_count.back()++ == 0 ? "\n" : ",\n";
        m_out.append(2 * m_count.size(), ' ');
    }

    std::string& m_out;
    std::vector<size_t> m_count; ///< elements written so far in each open container
    bool m_keyed = false;
};

/// An upper bound on the plan file's length, to reserve it once (pages never written cost no
/// memory).
size_t estimatedLength(const Scenario& scenario, const Plan& plan)
{
    size_t length = 4096 + plan.users.size() * 320 + plan.algorithm.size() + plan.searchEnd.size();
    for (const User& user : scenario.users)
        length += user.id.size();
    for (const TimedBatch& batch : plan.batches) {
        length += 160;
        for (int m : batch.users)
            length += scenario.users[static_cast<size_t>(m)].id.size() + 16;
    }
    return length;
}

/// The "batches" member: each batch's times, sub-task and user ids.
void writeBatches(PrettyWriter& out, const Scenario& scenario, const Plan& plan)
{
    out.key("batches");
    out.beginArray();
    for (const TimedBatch& batch : plan.batches) {
        out.beginObject();
        out.key("end_ms");
        out.number(batch.endMs);
        out.key("start_ms");
        out.number(batch.startMs);
        out.key("subtask");
        out.integer(batch.subtask);
        out.key("users");
        out.beginArray();
        for (int m : batch.users)
            out.string(scenario.users[static_cast<size_t>(m)].id);
        out.endArray();
        out.endObject();
    }
    out.endArray();
}

/// The members from "gap_percent" to "search_end", each only where the plan has it.
void writeOptionalFigures(PrettyWriter& out, const Plan& plan)
{
    // Optional (docs/formats.md#plan), so that readers of the minimal plan form are not broken.
    if (const double gap = gapPercent(plan); std::isfinite(gap)) {
        out.key("gap_percent");
        out.number(gap);
    }
    // A figure the plan's own file left out (NaN) stays out, so that the written file reads back.
    if (!std::isnan(plan.localEnergyMj)) {
        out.key("local_energy_mj");
        out.number(plan.localEnergyMj);
    }
    if (std::isfinite(plan.lowerBoundMj)) {
        out.key("lower_bound_mj");
        out.number(plan.lowerBoundMj);
    }
    if (!plan.searchEnd.empty()) {
        out.key("proven_optimal");
        out.boolean(plan.provenOptimal);
    }
    if (!std::isnan(plan.savingPercent)) {
        out.key("saving_percent");
        out.number(plan.savingPercent);
    }
    if (!plan.searchEnd.empty()) {
        out.key("search_end");
        out.string(plan.searchEnd);
    }
}

/// The "users" member: each user's outcome, in the scenario's order.
void writeUsers(PrettyWriter& out, const Scenario& scenario, const Plan& plan)
{
    out.key("users");
    out.beginArray();
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const UserOutcome& user = plan.users[m];
        out.beginObject();
        out.key("deadline_ms");
        out.number(user.deadlineMs);
        out.key("energy_mj");
        out.number(user.energyMj);
        out.key("finish_ms");
        out.number(user.finishMs);
        out.key("group");
        out.integer(user.group);
        out.key("id");
        out.string(scenario.users[m].id);
        out.key("partition");
        out.integer(user.partition);
        if (!std::isnan(user.uploadEndMs)) {
            out.key("upload_end_ms");
            out.number(user.uploadEndMs);
        }
        if (!std::isnan(user.uploadStartMs)) {
            out.key("upload_start_ms");
            out.number(user.uploadStartMs);
        }
        out.endObject();
    }
    out.endArray();
}

} // namespace

std::string planToJson(const Scenario& scenario, const Plan& plan)
{
    std::string text;
    text.reserve(estimatedLength(scenario, plan));
    PrettyWriter out(text);
    // Keys in sorted order, as nlohmann's objects kept them: the helpers write consecutive keys.
    out.beginObject();
    out.key("algorithm");
    out.string(plan.algorithm);
    writeBatches(out, scenario, plan);
    if (plan.statesFeasible) {
        out.key("feasible");
        out.boolean(plan.feasible);
    }
    out.key("format");
    out.string("coinfer-plan");
    writeOptionalFigures(out, plan);
    out.key("total_energy_mj");
    out.number(plan.totalEnergyMj);
    writeUsers(out, scenario, plan);
    out.key("version");
    out.integer(1);
    out.endObject();
    text += '\n';
    return text;
}

namespace {

Plan readPlanJson(const Field& root, const Scenario& scenario)
{
    detail::requireFormat(root, "coinfer-plan");
    std::map<std::string, int> index;
    for (size_t m = 0; m < scenario.users.size(); ++m)
        index[scenario.users[m].id] = static_cast<int>(m);
    auto resolve = [&](const Field& id) {
        const std::string name = id.string(false);
        auto it = index.find(name);
        if (it == index.end())
            id.fail("\"" + name + "\" is not a user of the scenario");
        return it->second;
    };

    Plan plan;
    plan.algorithm = root.find("algorithm") ? root.at("algorithm").string() : std::string();
    plan.totalEnergyMj = root.at("total_energy_mj").number();
    plan.users.resize(scenario.users.size());
    std::vector<bool> present(scenario.users.size(), false);
    const Field users = root.at("users");
    const size_t count = users.arraySize(true);
    for (size_t i = 0; i < count; ++i) {
        const Field entry = users.at(i);
        const int m = resolve(entry.at("id"));
        if (present[static_cast<size_t>(m)])
            entry.at("id").fail("\"" + scenario.users[static_cast<size_t>(m)].id + "\" appears twice");
        present[static_cast<size_t>(m)] = true;
        UserOutcome& user = plan.users[static_cast<size_t>(m)];
        user.partition = static_cast<int>(entry.at("partition").integer(0, scenario.dnn.subtaskCount()));
        user.group = entry.find("group") ? static_cast<int>(entry.at("group").integer(-1, 1'000'000'000)) : 0;
        user.energyMj = entry.at("energy_mj").number();
        // A user computing locally uploads nothing, so its upload times may be left out; a
        // figure left out is NaN, which verify does not check.
        const int n = scenario.dnn.subtaskCount();
        user.uploadEndMs = user.partition < n || entry.has("upload_end_ms") ? entry.at("upload_end_ms").nonNegative() : NAN;
        user.uploadStartMs = entry.has("upload_start_ms") ? entry.at("upload_start_ms").nonNegative() : NAN;
        user.finishMs = entry.at("finish_ms").json().is_null() ? INFINITY : entry.at("finish_ms").nonNegative();
        user.deadlineMs = entry.at("deadline_ms").positive();
    }
    for (size_t m = 0; m < present.size(); ++m)
        if (!present[m])
            users.fail("has no entry for user \"" + scenario.users[m].id + "\"");
    const Field batches = root.at("batches");
    const size_t batchCount = batches.arraySize(true);
    for (size_t b = 0; b < batchCount; ++b) {
        const Field entry = batches.at(b);
        TimedBatch batch;
        batch.subtask = static_cast<int>(entry.at("subtask").integer(1, scenario.dnn.subtaskCount()));
        const Field members = entry.at("users");
        const size_t size = members.arraySize();
        for (size_t i = 0; i < size; ++i)
            batch.users.push_back(resolve(members.at(i)));
        batch.startMs = entry.at("start_ms").nonNegative();
        batch.endMs = entry.at("end_ms").number(batch.startMs);
        plan.batches.push_back(std::move(batch));
    }
    if (const std::optional<Field> feasible = root.find("feasible")) {
        if (!feasible->json().is_boolean())
            feasible->fail("must be true or false, not " + detail::describe(feasible->json()));
        plan.feasible = feasible->json().get<bool>();
    } else {
        plan.statesFeasible = false;
    }
    plan.localEnergyMj = root.has("local_energy_mj") ? root.at("local_energy_mj").nonNegative() : NAN;
    plan.savingPercent = root.has("saving_percent") ? root.at("saving_percent").number() : NAN;
    // The optional search fields (docs/formats.md#plan). A bound read from a file is a claim, not a
    // proof: it is kept for display and round trips, and verify only warns about it.
    if (root.find("lower_bound_mj"))
        plan.lowerBoundMj = root.at("lower_bound_mj").nonNegative();
    if (root.find("gap_percent"))
        root.at("gap_percent").nonNegative(); // derived from the total and the bound; only checked
    if (const std::optional<Field> proven = root.find("proven_optimal")) {
        if (!proven->json().is_boolean())
            proven->fail("must be true or false, not " + detail::describe(proven->json()));
        plan.provenOptimal = proven->json().get<bool>();
    }
    if (root.find("search_end"))
        plan.searchEnd = root.at("search_end").string();
    return plan;
}

} // namespace

Expected<Plan> parsePlan(std::string_view text, const std::string& sourceName, const Scenario& scenario)
{
    // A plan's totals add up many inputs, so it may state more than any one input number.
    return detail::readDocument<Plan>(
        text, sourceName, [&](const Field& root) { return readPlanJson(root, scenario); }, std::numeric_limits<double>::max());
}

std::string boundSummary(const Plan& plan)
{
    char text[256];
    if (!std::isfinite(plan.lowerBoundMj)) {
        std::snprintf(text, sizeof text, "lower bound unknown");
    } else if (plan.provenOptimal) {
        std::snprintf(text, sizeof text, "proven optimal (lower bound %.3f mJ)", plan.lowerBoundMj);
    } else if (const double gap = gapPercent(plan); std::isfinite(gap)) {
        std::snprintf(text, sizeof text, "lower bound %.3f mJ (gap %.2f%%)%s", plan.lowerBoundMj, gap,
                      plan.searchEnd.empty() ? "" : "; not proven optimal");
    } else {
        std::snprintf(text, sizeof text, "lower bound %.3f mJ", plan.lowerBoundMj);
    }
    std::string summary = text;
    if (!plan.searchEnd.empty())
        summary += "; search: " + plan.searchEnd;
    return summary;
}

namespace {

/// An id as the table shows it: control characters (a NUL, a newline, ...) and backslashes
/// escaped, so that each user stays on one line and a NUL does not cut the id short.
std::string tableId(const std::string& id)
{
    std::string text;
    for (const char c : id) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\')
            text += "\\\\";
        else if (c == '\n')
            text += "\\n";
        else if (c == '\t')
            text += "\\t";
        else if (c == '\r')
            text += "\\r";
        else if (byte < 0x20 || byte == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            text += escaped;
        } else
            text += c;
    }
    return text;
}

} // namespace

std::string planToTable(const Scenario& scenario, const Plan& plan)
{
    std::string out;
    char line[320];
    std::snprintf(line, sizeof line, "%-12s %9s %6s %11s %11s %8s %11s %11s  %s\n", "user", "partition", "group", "energy_mJ",
                  "local_mJ", "saved_%", "finish_ms", "deadline_ms", "status");
    out += line;
    const int n = scenario.dnn.subtaskCount();
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const UserOutcome& user = plan.users[m];
        double localMj = 0;
        for (double e : scenario.users[m].localEnergyMj)
            localMj += e;
        const double saved = localMj > 0 ? 100.0 * (1.0 - user.energyMj / localMj) : 0.0;
        const bool late = !meetsDeadline(user.finishMs, user.deadlineMs);
        const std::string where = user.partition == n ? "local" : user.partition == 0 ? "full offload" : "split";
        std::snprintf(line, sizeof line, "%-12.12s %9d %6s %11.3f %11.3f %8.2f %11.3f %11.3f  %s%s\n",
                      tableId(scenario.users[m].id).c_str(), user.partition,
                      user.group < 0 ? "-" : std::to_string(user.group).c_str(), user.energyMj, localMj, saved, user.finishMs,
                      user.deadlineMs, where.c_str(), late ? ", LATE" : "");
        out += line;
    }
    int rounds = 0;
    for (const UserOutcome& user : plan.users)
        rounds = std::max(rounds, user.group + 1);
    std::snprintf(
        line, sizeof line,
        "\nalgorithm %s: %s; total %.3f mJ against %.3f mJ computing locally: %.2f%% saved; %zu GPU batches in %d round(s)\n",
        plan.algorithm.c_str(), plan.feasible ? "every deadline met" : "INFEASIBLE", plan.totalEnergyMj, plan.localEnergyMj,
        plan.savingPercent, plan.batches.size(), rounds);
    out += line;
    out += boundSummary(plan) + "\n";
    return out;
}

std::string planToPerUserCsv(const Scenario& scenario, const Plan& plan)
{
    const auto number = [](double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", value);
        return std::string(text);
    };
    std::string text = "id,partition,group,energy_mj,upload_start_ms,upload_end_ms,finish_ms,deadline_ms\r\n";
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const UserOutcome& u = plan.users[m];
        text += csvTextField(scenario.users[m].id) + "," + std::to_string(u.partition) + "," + std::to_string(u.group) + "," +
                number(u.energyMj) + "," + number(u.uploadStartMs) + "," + number(u.uploadEndMs) + "," + number(u.finishMs) +
                "," + number(u.deadlineMs) + "\r\n";
    }
    return text;
}

} // namespace coinfer
