#pragma once
// Online scheduling (docs/online.md, docs/formats.md#the-online-block): tasks arrive over time,
// wait in a pool, and a dispatch policy decides each slot whether to plan the pool now with OG or
// IP-SSA.

#include "core/model/onlinepolicy.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace coinfer {

/// One task: user m's inference released at releaseMs, due at deadlineMs (absolute).
struct OnlineTask {
    int user = 0;
    double releaseMs = 0;
    double deadlineMs = 0;
};

/// The seeded arrivals of one episode, sorted by release time: per user Poisson (exponential
/// gaps), Bernoulli per slot, or Markov-modulated Poisson (per-user rate of the modulating
/// chain's current state), with relative deadlines deadline_ms x U(1 - j, 1 + j). A scenario
/// with a recorded trace gives that trace whatever the seed. The same seed gives the same trace
/// on every platform. O(tasks + chain segments).
std::vector<OnlineTask> makeArrivalTrace(const Scenario& scenario, std::uint64_t seed);

/// A stretch of time the MMPP's modulating chain spends in one state.
struct MmppSegment {
    double startMs = 0;
    double endMs = 0; ///< clipped to the horizon
    int state = 0;
};

/// The path over [0, horizon_ms) of modulating chain @p chain (0 for the shared chain, the
/// user's index with "per_user"), as makeArrivalTrace draws it for @p seed: the first state
/// drawn with probability proportional to its mean stay (the long-run share of time), each stay
/// exponential with the state's mean, the next state uniform among the others. Empty unless
/// the scenario's process is "mmpp". O(segments).
std::vector<MmppSegment> makeMmppPath(const OnlineSettings& online, std::uint64_t seed, int chain);

/// Totals of one or more episodes.
struct OnlineResult {
    int tasks = 0;
    int misses = 0;
    int dispatches = 0;
    long long batches = 0;
    long long batchMembers = 0;
    double energyMj = 0;
    double localEnergyMj = 0; ///< the same tasks all computed locally
    double gpuBusyMs = 0;
    double horizonMs = 0;
    /// Each episode's own span, summed: from its first arrival to its last task's completion
    /// (local or after its last GPU batch), which batches past the horizon lengthen.
    double spanMs = 0;

    double energyPerTaskMj() const { return tasks > 0 ? energyMj / tasks : 0.0; }
    double meanBatchSize() const { return batches > 0 ? static_cast<double>(batchMembers) / static_cast<double>(batches) : 0.0; }
    /// The share of the episodes' spans in which the GPU computes, in [0, 1]: batches never
    /// overlap and each lies inside its episode's span. 0 without a task.
    double gpuUtilisation() const { return spanMs > 0 ? gpuBusyMs / spanMs : 0.0; }
    double savingPercent() const { return localEnergyMj > 0 ? 100.0 * (1.0 - energyMj / localEnergyMj) : 0.0; }
    void add(const OnlineResult& other);
};

/// One dispatch of an episode: the pool planned at atMs. The plan's times are relative to atMs
/// and its users are the tasks in pool order (ids "task0", "task1", ...).
struct OnlineDispatch {
    double atMs = 0;
    std::vector<OnlineTask> tasks;
    Plan plan;
};

/// Steps one episode slot by slot. A dispatch plans every pending task with the chosen planner
/// from the tasks' remaining slack and the time the GPU becomes free, re-times the plan with
/// the simulator, and commits its energy and GPU time. A task whose slack will not survive one
/// more slot is dispatched whatever the policy says. Tasks still pending at the end of the
/// horizon are dispatched then. Reward per slot: the sum over the tasks dispatched in it of
/// -(the task's energy / the mean local energy of a task + missPenalty if it misses), each
/// divided by rewardDiscount^(slots the task waited). With the learner's discount there, a
/// discounted return charges every task as of its release, so waiting does not look cheaper
/// than it is; with 1 (the default) the rewards add up to the episode's energy and misses.
class OnlineSimulator {
public:
    OnlineSimulator(const Scenario& scenario, OnlinePlanner planner, std::vector<OnlineTask> trace, double missPenalty = 20.0,
                    double rewardDiscount = 1.0);

    bool done() const { return m_slot >= m_slots; }
    const OnlineObservation& observe() const { return m_observation; }
    /// Ends the current slot, dispatching the pool first if @p dispatch or a task is forced.
    /// Returns the slot's reward. O(pool planning + tasks released in the slot).
    double step(bool dispatch);
    const OnlineResult& result() const { return m_result; }
    /// Appends every later dispatch, with its tasks and its re-timed plan, to @p log (nullptr:
    /// none, the default, so training pays nothing). O(pool) per dispatch.
    void recordDispatches(std::vector<OnlineDispatch>* log) { m_dispatchLog = log; }

private:
    void admitArrivals();
    void updateObservation();
    void dispatchPool();
    double fastestFinishMs(const OnlineTask& task) const;

    Scenario m_scenario; // a copy: the simulator outlives any caller's scenario
    OnlinePlanner m_planner;
    std::vector<OnlineTask> m_trace;
    double m_missPenalty;
    double m_rewardDiscount;
    size_t m_nextArrival = 0;
    long long m_slot = 0, m_slots = 0;
    std::vector<OnlineTask> m_pool;
    std::vector<double> m_recentArrivals;
    double m_shortRate = 0, m_longRate = 0; // arrivals per slot, exponentially averaged
    double m_gpuFreeMs = 0;
    double m_largestDeadlineMs = 1;
    double m_meanLocalMj = 1;
    double m_expectedArrivalsPerSlot = 0;
    std::vector<double> m_localOnlyMs;                       // L_m(N) per user
    std::vector<double> m_localOnlyMj;                       // E_m(N) per user
    std::vector<std::pair<double, double>> m_offloadOptions; // per (user, p < N): A_m(p), sum of tau(1) after p
    OnlineObservation m_observation;
    OnlineResult m_result;
    double m_slotReward = 0;
    double m_firstArrivalMs = -1; // -1 until a task arrives
    double m_lastCompletionMs = 0;
    std::vector<OnlineDispatch>* m_dispatchLog = nullptr;
};

/// A dispatch policy: true to dispatch the pool at this observation.
using DispatchPolicy = std::function<bool(const OnlineObservation&)>;

/// Dispatch whenever the pool is not empty.
DispatchPolicy immediatePolicy();
/// Dispatch every @p periodMs, at the first slot (of length @p slotMs) of each period.
DispatchPolicy periodicPolicy(double periodMs, double slotMs);
/// Dispatch when the smallest remaining slack share is at most @p threshold.
DispatchPolicy thresholdPolicy(double threshold);

/// The threshold a rule compares the smallest slack share with at an observation (the
/// threshold rule's constant, a trained actor's output), recorded beside the episode; rules
/// without one have none.
using PolicyThreshold = std::function<double(const OnlineObservation&)>;

/// What happened slot by slot in one episode, for drawing it and for its CSV: one entry per
/// slot in each per-slot vector. The one recorder of an episode, shared by the app and the CLI.
struct OnlineRecord {
    std::vector<double> slotStartMs;
    std::vector<int> poolSize; ///< tasks waiting at the start of each slot
    /// Tasks admitted when the slot ends: those released after its start, up to the next
    /// slot's start (the last slot takes every release left), counted after the slot's step.
    std::vector<int> arrivals;
    std::vector<double> minSlackShare;      ///< the observation's smallest slack share
    std::vector<double> threshold;          ///< the policy's threshold each slot; empty without one
    std::vector<double> dispatchMs;         ///< when the pool was dispatched
    std::vector<OnlineDispatch> dispatches; ///< what each dispatch planned, to watch the episode
};

/// Runs one episode on @p trace, recording it when @p record is given, with @p threshold's
/// value at each slot when one is given. O(slots + dispatches x planning).
OnlineResult runEpisode(const Scenario& scenario, OnlinePlanner planner, const std::vector<OnlineTask>& trace,
                        const DispatchPolicy& policy, OnlineRecord* record = nullptr, const PolicyThreshold& threshold = {});

/// @p record as CSV, one row per slot (scripts/plot_online_burst.py plots it): slot_ms (the
/// slot's start), arrivals (as OnlineRecord::arrivals counts them), pool, min_slack_share,
/// threshold (empty without one), dispatched (1 when the pool went in the slot) and mmpp_state
/// (the shared chain's state at the slot's start, drawn for @p seed as makeArrivalTrace draws
/// it; empty for other processes, per-user chains and recorded traces). O(slots + segments).
std::string onlineRecordCsv(const Scenario& scenario, const OnlineRecord& record, std::uint64_t seed);

/// Runs the episode of the trace seeded @p seed and returns its onlineRecordCsv().
/// O(slots x (policy + planning)).
std::string recordEpisodeCsv(const Scenario& scenario, OnlinePlanner planner, std::uint64_t seed, const DispatchPolicy& policy,
                             const PolicyThreshold& threshold = {});

/// Every task computed locally at release (the reference: no planning, no GPU).
OnlineResult localOnlyResult(const Scenario& scenario, const std::vector<OnlineTask>& trace);

} // namespace coinfer
