#include "core/simulation/simulator.h"

#include "core/util/tolerance.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <numeric>
#include <optional>
#include <sstream>
#include <tuple>
#include <utility>

namespace coinfer {
namespace {

/// Thrown out of a Timeline when its stop callback says stop; simulateUnlessStopped catches it.
struct TimingStopped { };

/// Steps between two calls of a stop callback: a few thousand users or batch members take well
/// under a millisecond, and the callback (a clock read) costs nothing beside them.
constexpr unsigned kStepsPerStopCheck = 4096;

std::string fmt(double value)
{
    std::ostringstream out;
    out.precision(10);
    out << value;
    return out.str();
}

bool differs(double stated, double actual)
{
    return std::fabs(stated - actual) > kTimeEpsMs + 1e-9 * std::fabs(actual);
}

/// Walks the GPU's batches in order, tracking each user's progress through its sub-tasks.
/// Shared by simulate() (which chooses start times) and verifyPlan() (which checks stated ones).
class Timeline {
public:
    Timeline(const Scenario& scenario, const CostModel& model, std::vector<Violation>& violations)
        : m_scenario(scenario)
        , m_model(model)
        , m_violations(violations)
        , m_next(static_cast<size_t>(model.userCount()), 0)
        , m_readyMs(static_cast<size_t>(model.userCount()), 0.0)
        , m_placedIn(static_cast<size_t>(model.userCount()), 0)
        , m_gpuFreeMs(model.edgeFreeAtMs())
    {
    }

    /// Asks @p stopped every kStepsPerStopCheck steps (users or batch members); none by default.
    void setStopCheck(const std::function<bool()>* stopped) { m_stopped = stopped; }
    /// Counts @p steps; throws TimingStopped when the stop callback, asked every
    /// kStepsPerStopCheck steps, says stop.
    void step(unsigned steps = 1)
    {
        if (!m_stopped)
            return;
        m_steps += steps;
        if (m_steps < kStepsPerStopCheck)
            return;
        m_steps = 0;
        if ((*m_stopped)())
            throw TimingStopped{};
    }

    /// Sets every user's partition; returns false for one outside 0..N (reported).
    bool setPartitions(const std::vector<int>& partitions, const std::vector<double>* statedArrivalMs)
    {
        bool ok = true;
        const int n = m_model.subtaskCount();
        for (int m = 0; m < m_model.userCount(); ++m) {
            step();
            const int p = partitions[static_cast<size_t>(m)];
            if (p < 0 || p > n) {
                report(Violation::Kind::BadPartition,
                       "user " + id(m) + " has partition " + std::to_string(p) + ", outside 0.." + std::to_string(n));
                ok = false;
                m_next[static_cast<size_t>(m)] = n + 1;
                continue;
            }
            m_next[static_cast<size_t>(m)] = p + 1;
            m_readyMs[static_cast<size_t>(m)] = p < n ? m_model.arrivalMs(m, p) : m_model.localMs(m, p);
            if (statedArrivalMs && p < n) {
                const double stated = (*statedArrivalMs)[static_cast<size_t>(m)];
                if (stated < m_readyMs[static_cast<size_t>(m)] - timeSlackMs(stated))
                    report(Violation::Kind::WrongFigure, "user " + id(m) + " ends its upload at " + fmt(stated) +
                                                             " ms, but computing and uploading take until " +
                                                             fmt(m_readyMs[static_cast<size_t>(m)]) + " ms");
                m_readyMs[static_cast<size_t>(m)] = std::max(stated, m_readyMs[static_cast<size_t>(m)]);
            }
        }
        return ok;
    }

    /// Places one batch; with no stated times it starts as early as possible. Returns its times.
    std::pair<double, double> place(size_t index, int subtask, const std::vector<int>& users,
                                    std::optional<std::pair<double, double>> stated)
    {
        // Named only when something is reported: building the name for every batch would cost
        // more than timing it.
        auto name = [&] { return "batch " + std::to_string(index) + " (sub-task " + std::to_string(subtask) + ")"; };
        std::vector<int>& members = m_members;
        members.clear();
        if (subtask < 1 || subtask > m_model.subtaskCount()) {
            report(Violation::Kind::BadMember, name() + " names a sub-task outside 1.." + std::to_string(m_model.subtaskCount()));
            return {m_gpuFreeMs, m_gpuFreeMs};
        }
        if (static_cast<int>(users.size()) > m_model.maxBatch())
            report(Violation::Kind::BatchTooLarge, [&] {
                return name() + " has " + std::to_string(users.size()) +
                       " members, more than B_max = " + std::to_string(m_model.maxBatch());
            });
        step(static_cast<unsigned>(std::min<size_t>(users.size(), kStepsPerStopCheck)) + 1);
        double readyMs = 0;
        for (int m : users) {
            if (m < 0 || m >= m_model.userCount())
                continue;
            if (m_placedIn[static_cast<size_t>(m)] == index + 1) {
                report(Violation::Kind::BadMember, name() + " lists user " + id(m) + " twice");
                continue;
            }
            const int next = m_next[static_cast<size_t>(m)];
            if (next != subtask) {
                report(Violation::Kind::BadMember,
                       name() + " holds user " + id(m) +
                           (next > m_model.subtaskCount() ? std::string(", who needs no further sub-task at the edge")
                                                          : ", whose next sub-task at the edge is " + std::to_string(next)));
                continue;
            }
            members.push_back(m);
            m_placedIn[static_cast<size_t>(m)] = index + 1;
            readyMs = std::max(readyMs, m_readyMs[static_cast<size_t>(m)]);
        }
        if (members.empty() && users.empty())
            report(Violation::Kind::BadMember, name() + " has no members");
        const int size = std::clamp(static_cast<int>(users.size()), 1, m_model.maxBatch());
        const double durationMs = m_model.edgeMs(subtask, size);
        double startMs = std::max(m_gpuFreeMs, readyMs);
        double endMs = startMs + durationMs;
        if (stated) {
            std::tie(startMs, endMs) = *stated;
            for (int m : members)
                if (startMs < m_readyMs[static_cast<size_t>(m)] - timeSlackMs(startMs))
                    report(Violation::Kind::NotReady, name() + " starts at " + fmt(startMs) + " ms, before user " + id(m) +
                                                          "'s input is ready at " + fmt(m_readyMs[static_cast<size_t>(m)]) +
                                                          " ms");
            if (startMs < m_gpuFreeMs - timeSlackMs(startMs))
                report(Violation::Kind::GpuOverlap,
                       name() + " starts at " + fmt(startMs) + " ms, while the GPU is busy until " + fmt(m_gpuFreeMs) + " ms");
            if (endMs - startMs < durationMs - timeSlackMs(endMs))
                report(Violation::Kind::TooShort, name() + " lasts " + fmt(endMs - startMs) + " ms, but tau(" +
                                                      std::to_string(size) + ") = " + fmt(durationMs) + " ms");
        }
        m_gpuFreeMs = std::max(m_gpuFreeMs, endMs);
        for (int m : members) {
            m_readyMs[static_cast<size_t>(m)] = endMs;
            ++m_next[static_cast<size_t>(m)];
        }
        return {startMs, endMs};
    }

    /// Reports unfinished users and missed deadlines; returns each user's finish time.
    std::vector<double> finish()
    {
        std::vector<double> finishMs(m_readyMs);
        for (int m = 0; m < m_model.userCount(); ++m) {
            step();
            if (m_next[static_cast<size_t>(m)] <= m_model.subtaskCount()) {
                report(Violation::Kind::MissingSubtask, [&] {
                    return "user " + id(m) + "'s sub-task " + std::to_string(m_next[static_cast<size_t>(m)]) +
                           " never runs on the GPU";
                });
                finishMs[static_cast<size_t>(m)] = INFINITY;
            } else if (!meetsDeadline(finishMs[static_cast<size_t>(m)], m_model.deadlineMs(m))) {
                report(Violation::Kind::DeadlineMissed, [&] {
                    return "user " + id(m) + " finishes at " + fmt(finishMs[static_cast<size_t>(m)]) +
                           " ms, after its deadline of " + fmt(m_model.deadlineMs(m)) + " ms";
                });
            }
        }
        return finishMs;
    }

    std::string id(int m) const { return "'" + m_scenario.users[static_cast<size_t>(m)].id + "'"; }
    void report(Violation::Kind kind, std::string message) { m_violations.push_back({kind, std::move(message)}); }
    /// Reports a violation whose message is built only when someone will read it: planners that
    /// re-time thousands of trial schedules need only to know whether one is feasible.
    template<class MessageFn>
    void report(Violation::Kind kind, MessageFn&& message) requires std::is_invocable_r_v<std::string, MessageFn>
    {
        m_violations.push_back({kind, m_explain ? message() : std::string()});
    }
    /// Whether violation messages are written (they are by default).
    void setExplain(bool explain) { m_explain = explain; }

private:
    const Scenario& m_scenario;
    const CostModel& m_model;
    std::vector<Violation>& m_violations;
    std::vector<int> m_next;       // next sub-task each user needs at the edge; N+1 when done
    std::vector<double> m_readyMs; // when that sub-task's input is available
    // 1 + the index of the last batch that listed each user: finds a user listed twice in one
    // batch in O(1), where searching the members placed so far cost O(b^2) per batch of b.
    std::vector<size_t> m_placedIn;
    std::vector<int> m_members; // the members of the batch being placed (reused)
    bool m_explain = true;
    double m_gpuFreeMs;
    const std::function<bool()>* m_stopped = nullptr;
    unsigned m_steps = 0; // since the stop callback was last asked
};

void fillEnergy(const CostModel& model, Plan& plan)
{
    plan.totalEnergyMj = 0;
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const int p = std::clamp(plan.users[m].partition, 0, model.subtaskCount());
        plan.users[m].energyMj = model.energyMj(static_cast<int>(m), p);
        plan.totalEnergyMj += plan.users[m].energyMj;
    }
    plan.localEnergyMj = model.localEnergyMj();
    plan.savingPercent = plan.localEnergyMj > 0 ? 100.0 * (1.0 - plan.totalEnergyMj / plan.localEnergyMj) : 0.0;
}

} // namespace

namespace {

/// simulate(), asking @p stopped (when given) every few thousand steps; throws TimingStopped.
Plan timeSchedule(const Scenario& scenario, const CostModel& model, const Schedule& schedule, const std::string& algorithm,
                  std::vector<Violation>* violations, const std::function<bool()>* stopped)
{
    std::vector<Violation> found;
    Timeline timeline(scenario, model, found);
    timeline.setExplain(violations != nullptr);
    timeline.setStopCheck(stopped);
    Plan plan;
    plan.algorithm = algorithm;
    plan.users.resize(static_cast<size_t>(model.userCount()));
    timeline.setPartitions(schedule.partitions, nullptr);
    for (int m = 0; m < model.userCount(); ++m) {
        timeline.step();
        UserOutcome& user = plan.users[static_cast<size_t>(m)];
        user.partition = schedule.partitions[static_cast<size_t>(m)];
        user.group = schedule.groups.empty() ? 0 : schedule.groups[static_cast<size_t>(m)];
        user.deadlineMs = model.deadlineMs(m);
        const int p = std::clamp(user.partition, 0, model.subtaskCount());
        user.uploadStartMs = model.localMs(m, p);
        user.uploadEndMs = model.localMs(m, p) + model.uploadMs(m, p);
    }
    plan.batches.reserve(schedule.batches.size());
    for (size_t b = 0; b < schedule.batches.size(); ++b) {
        const BatchSpec& spec = schedule.batches[b];
        const auto [startMs, endMs] = timeline.place(b, spec.subtask, spec.users, std::nullopt);
        plan.batches.push_back({spec.subtask, spec.users, startMs, endMs});
    }
    const std::vector<double> finishMs = timeline.finish();
    for (size_t m = 0; m < plan.users.size(); ++m)
        plan.users[m].finishMs = finishMs[m];
    fillEnergy(model, plan);
    plan.feasible = found.empty();
    if (violations)
        violations->insert(violations->end(), found.begin(), found.end());
    return plan;
}

} // namespace

Plan simulate(const Scenario& scenario, const CostModel& model, const Schedule& schedule, const std::string& algorithm,
              std::vector<Violation>* violations)
{
    return timeSchedule(scenario, model, schedule, algorithm, violations, nullptr);
}

std::optional<Plan> simulateUnlessStopped(const Scenario& scenario, const CostModel& model, const Schedule& schedule,
                                          const std::string& algorithm, const std::function<bool()>& stopped)
{
    try {
        return timeSchedule(scenario, model, schedule, algorithm, nullptr, stopped ? &stopped : nullptr);
    } catch (const TimingStopped&) {
        return std::nullopt;
    }
}

namespace {

/// Reports every stated figure of one user that the re-timed plan does not reproduce within
/// kTimeEpsMs: energy, upload start and end, finish time, deadline and group.
void checkStatedUser(Timeline& timeline, const CostModel& model, const UserOutcome& user, int m, double energyMj, double finishMs)
{
    const std::string who = "user " + timeline.id(m);
    auto wrong = [&](const std::string& what) { timeline.report(Violation::Kind::WrongFigure, who + " " + what); };
    const int p = std::clamp(user.partition, 0, model.subtaskCount());
    if (differs(user.energyMj, energyMj))
        wrong("states " + fmt(user.energyMj) + " mJ, but partition " + std::to_string(user.partition) + " costs " +
              fmt(energyMj) + " mJ");
    if (differs(user.uploadStartMs, model.localMs(m, p)))
        wrong("states upload_start_ms " + fmt(user.uploadStartMs) + ", but its local part ends at " + fmt(model.localMs(m, p)) +
              " ms");
    if (differs(user.uploadEndMs, model.localMs(m, p) + model.uploadMs(m, p)))
        wrong("states upload_end_ms " + fmt(user.uploadEndMs) + ", but its upload ends at " +
              fmt(model.localMs(m, p) + model.uploadMs(m, p)) + " ms");
    if (std::isfinite(finishMs) && differs(user.finishMs, finishMs))
        wrong("states it finishes at " + fmt(user.finishMs) + " ms, but its last sub-task ends at " + fmt(finishMs) + " ms");
    if (differs(user.deadlineMs, model.deadlineMs(m)))
        wrong("states deadline " + fmt(user.deadlineMs) + " ms, but the scenario gives " + fmt(model.deadlineMs(m)) + " ms");
    if (user.group < 0 && p < model.subtaskCount())
        wrong("has group -1 (no round), but offloads after sub-task " + std::to_string(p));
}

/// Reports plan-level figures that the re-timed plan does not reproduce.
void checkStatedTotals(Timeline& timeline, const Plan& plan, const Plan& recomputed, bool feasible)
{
    auto wrong = [&](const std::string& what) { timeline.report(Violation::Kind::WrongFigure, what); };
    if (differs(plan.totalEnergyMj, recomputed.totalEnergyMj))
        wrong("total_energy_mj is " + fmt(plan.totalEnergyMj) + ", but the users' energies add up to " +
              fmt(recomputed.totalEnergyMj));
    if (differs(plan.localEnergyMj, recomputed.localEnergyMj))
        wrong("local_energy_mj is " + fmt(plan.localEnergyMj) + ", but computing everything locally costs " +
              fmt(recomputed.localEnergyMj));
    if (differs(plan.savingPercent, recomputed.savingPercent))
        wrong("saving_percent is " + fmt(plan.savingPercent) + ", but the energies give " + fmt(recomputed.savingPercent));
    if (plan.statesFeasible && plan.feasible != feasible)
        wrong(std::string("feasible is ") + (plan.feasible ? "true" : "false") + ", but the re-timed plan " +
              (feasible ? "meets every deadline" : "does not meet every deadline"));
}

} // namespace

std::vector<Violation> verifyPlan(const Scenario& scenario, const CostModel& model, const Plan& plan)
{
    std::vector<Violation> found;
    Timeline timeline(scenario, model, found);
    std::vector<int> partitions;
    std::vector<double> statedArrivalMs;
    for (const UserOutcome& user : plan.users) {
        partitions.push_back(user.partition);
        statedArrivalMs.push_back(user.uploadEndMs);
    }
    if (!timeline.setPartitions(partitions, &statedArrivalMs))
        return found;
    std::vector<size_t> order(plan.batches.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return plan.batches[a].startMs < plan.batches[b].startMs; });
    for (size_t index : order) {
        const TimedBatch& batch = plan.batches[index];
        timeline.place(index, batch.subtask, batch.users, std::make_pair(batch.startMs, batch.endMs));
    }
    const std::vector<double> finishMs = timeline.finish();
    const bool feasible = found.empty(); // every batch valid and every deadline met

    Plan recomputed = plan;
    fillEnergy(model, recomputed);
    for (size_t m = 0; m < plan.users.size(); ++m)
        checkStatedUser(timeline, model, plan.users[m], static_cast<int>(m), recomputed.users[m].energyMj, finishMs[m]);
    checkStatedTotals(timeline, plan, recomputed, feasible);
    return found;
}

std::string lateUsers(const Scenario& scenario, const Plan& plan)
{
    std::string names;
    for (size_t m = 0; m < plan.users.size(); ++m) {
        if (meetsDeadline(plan.users[m].finishMs, plan.users[m].deadlineMs))
            continue;
        names += (names.empty() ? "" : ", ") + scenario.users[m].id;
    }
    return names;
}

} // namespace coinfer
