#include "core/online/online.h"

#include "core/model/costmodel.h"
#include "core/util/random.h"
#include "core/planning/planner.h"
#include "core/simulation/simulator.h"
#include "core/util/tolerance.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace coinfer {

void OnlineResult::add(const OnlineResult& other)
{
    tasks += other.tasks;
    misses += other.misses;
    dispatches += other.dispatches;
    batches += other.batches;
    batchMembers += other.batchMembers;
    energyMj += other.energyMj;
    localEnergyMj += other.localEnergyMj;
    gpuBusyMs += other.gpuBusyMs;
    horizonMs += other.horizonMs;
    spanMs += other.spanMs;
}

std::vector<MmppSegment> makeMmppPath(const OnlineSettings& online, std::uint64_t seed, int chain)
{
    std::vector<MmppSegment> path;
    const auto& states = online.mmppStates;
    if (!online.mmpp || states.empty())
        return path;
    SeededRandom random(seed * 0xD1B54A32D192ED03ull + static_cast<std::uint64_t>(chain) * 104729u + 17);
    double stays = 0;
    for (const MmppState& state : states)
        stays += state.meanStayMs;
    int current = static_cast<int>(states.size()) - 1;
    const double u = random.uniform() * stays;
    double sum = 0;
    for (int k = 0; k < static_cast<int>(states.size()); ++k) {
        sum += states[static_cast<size_t>(k)].meanStayMs;
        if (u < sum) {
            current = k;
            break;
        }
    }
    const int count = static_cast<int>(states.size());
    for (double t = 0; t < online.horizonMs;) {
        const double stay = -std::log(1.0 - random.uniform()) * states[static_cast<size_t>(current)].meanStayMs;
        path.push_back({t, std::min(t + stay, online.horizonMs), current});
        t += stay;
        if (count > 1) {
            const int other = std::min(static_cast<int>(random.uniform() * (count - 1)), count - 2);
            current = other >= current ? other + 1 : other;
        }
    }
    return path;
}

std::vector<OnlineTask> makeArrivalTrace(const Scenario& scenario, std::uint64_t seed)
{
    const OnlineSettings& online = scenario.online;
    std::vector<OnlineTask> trace;
    if (!online.trace.empty()) {
        for (const TraceArrival& arrival : online.trace)
            trace.push_back({arrival.user, arrival.releaseMs, arrival.releaseMs + arrival.deadlineMs});
        return trace;
    }
    const std::vector<MmppSegment> shared =
        online.mmpp && !online.mmppPerUser ? makeMmppPath(online, seed, 0) : std::vector<MmppSegment>{};
    for (int m = 0; m < scenario.userCount(); ++m) {
        const User& user = scenario.users[static_cast<size_t>(m)];
        const double rate = user.arrivalRatePerSecond > 0 ? user.arrivalRatePerSecond : online.ratePerSecond;
        SeededRandom random(seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(m) * 7919u + 1);
        const double jitter = user.deadlineJitter >= 0 ? user.deadlineJitter : online.deadlineJitter;
        auto deadline = [&](double releaseMs) {
            return releaseMs + user.deadlineMs * (1.0 + jitter * (2.0 * random.uniform() - 1.0));
        };
        if (online.mmpp) {
            const std::vector<MmppSegment> own = online.mmppPerUser ? makeMmppPath(online, seed, m) : std::vector<MmppSegment>{};
            // Exponential gaps restart at each change of state: exact, as they are memoryless.
            for (const MmppSegment& segment : online.mmppPerUser ? own : shared) {
                const double stateRate = online.mmppStates[static_cast<size_t>(segment.state)].ratePerSecond;
                if (stateRate <= 0)
                    continue;
                for (double t = segment.startMs - std::log(1.0 - random.uniform()) / stateRate * 1000.0; t < segment.endMs;
                     t += -std::log(1.0 - random.uniform()) / stateRate * 1000.0)
                    trace.push_back({m, t, deadline(t)});
            }
            continue;
        }
        if (rate <= 0)
            continue;
        if (online.bernoulli) {
            const double probability = rate * online.slotMs / 1000.0;
            for (double t = 0; t < online.horizonMs; t += online.slotMs)
                if (random.uniform() < probability)
                    trace.push_back({m, t, deadline(t)});
        } else {
            for (double t = -std::log(1.0 - random.uniform()) / rate * 1000.0; t < online.horizonMs;
                 t += -std::log(1.0 - random.uniform()) / rate * 1000.0)
                trace.push_back({m, t, deadline(t)});
        }
    }
    std::stable_sort(trace.begin(), trace.end(),
                     [](const OnlineTask& a, const OnlineTask& b) { return a.releaseMs < b.releaseMs; });
    return trace;
}

OnlineSimulator::OnlineSimulator(const Scenario& scenario, OnlinePlanner planner, std::vector<OnlineTask> trace,
                                 double missPenalty, double rewardDiscount)
    : m_scenario(scenario)
    , m_planner(planner)
    , m_trace(std::move(trace))
    , m_missPenalty(missPenalty)
    , m_rewardDiscount(rewardDiscount)
{
    const OnlineSettings& online = scenario.online;
    m_slots = static_cast<long long>(std::ceil(online.horizonMs / online.slotMs));
    m_result.horizonMs = online.horizonMs;
    const CostModel model(scenario);
    const int n = model.subtaskCount();
    double localSum = 0, rateSum = 0;
    for (int m = 0; m < model.userCount(); ++m) {
        const User& user = scenario.users[static_cast<size_t>(m)];
        const double jitter = user.deadlineJitter >= 0 ? user.deadlineJitter : online.deadlineJitter;
        m_largestDeadlineMs = std::max(m_largestDeadlineMs, user.deadlineMs * (1.0 + jitter));
        localSum += model.energyMj(m, n);
        rateSum += online.mmpp                     ? online.mmppMeanRatePerSecond()
                   : user.arrivalRatePerSecond > 0 ? user.arrivalRatePerSecond
                                                   : online.ratePerSecond;
        m_localOnlyMs.push_back(model.localMs(m, n));
        m_localOnlyMj.push_back(model.energyMj(m, n));
        for (int p = 0; p < n; ++p) {
            double tail = 0;
            for (int s = p + 1; s <= n; ++s)
                tail += model.edgeMs(s, 1);
            m_offloadOptions.emplace_back(model.arrivalMs(m, p), tail);
        }
    }
    m_meanLocalMj = model.userCount() > 0 ? std::max(localSum / model.userCount(), 1e-9) : 1.0;
    if (!online.trace.empty())
        rateSum = static_cast<double>(online.trace.size()) / std::max(online.horizonMs / 1000.0, 1e-9);
    m_expectedArrivalsPerSlot = rateSum * online.slotMs / 1000.0;
    admitArrivals();
    updateObservation();
}

void OnlineSimulator::admitArrivals()
{
    const double nowMs = static_cast<double>(m_slot) * m_scenario.online.slotMs;
    int admitted = 0;
    // At the end of the horizon every remaining release is admitted, so no task is lost.
    const bool last = m_slot >= m_slots;
    while (m_nextArrival < m_trace.size() && (last || m_trace[m_nextArrival].releaseMs <= nowMs)) {
        const OnlineTask& task = m_trace[m_nextArrival++];
        if (m_firstArrivalMs < 0)
            m_firstArrivalMs = task.releaseMs;
        m_pool.push_back(task);
        ++m_result.tasks;
        m_result.localEnergyMj += m_localOnlyMj[static_cast<size_t>(task.user)];
        ++admitted;
    }
    m_recentArrivals.push_back(admitted);
    // Exponential averages over about 5 and 100 slots; the first slot seeds them at the
    // expected rate, so an episode does not start by looking silent.
    if (m_slot == 0)
        m_shortRate = m_longRate = m_expectedArrivalsPerSlot;
    m_shortRate += (admitted - m_shortRate) / 5.0;
    m_longRate += (admitted - m_longRate) / 100.0;
    if (m_recentArrivals.size() > 10)
        m_recentArrivals.erase(m_recentArrivals.begin());
}

double OnlineSimulator::fastestFinishMs(const OnlineTask& task) const
{
    // Alone, but behind the committed work that keeps the GPU busy until m_gpuFreeMs.
    const double nowMs = static_cast<double>(m_slot) * m_scenario.online.slotMs;
    const double busyMs = std::max(0.0, m_gpuFreeMs - nowMs);
    const int n = m_scenario.dnn.subtaskCount();
    double fastest = m_localOnlyMs[static_cast<size_t>(task.user)];
    for (int p = 0; p < n; ++p) {
        const auto& [arrivalMs, tailMs] = m_offloadOptions[static_cast<size_t>(task.user * n + p)];
        fastest = std::min(fastest, std::max(arrivalMs, busyMs) + tailMs);
    }
    return fastest;
}

void OnlineSimulator::updateObservation()
{
    OnlineObservation& o = m_observation;
    o = OnlineObservation{};
    const double slotMs = m_scenario.online.slotMs;
    o.nowMs = static_cast<double>(m_slot) * slotMs;
    o.poolSize = static_cast<int>(m_pool.size());
    int forced = 0;
    double histogram[4] = {0, 0, 0, 0};
    for (const OnlineTask& task : m_pool) {
        const double slackMs = task.deadlineMs - o.nowMs;
        const double share = std::clamp(slackMs / m_largestDeadlineMs, 0.0, 1.0);
        o.minSlackShare = std::min(o.minSlackShare, share);
        histogram[std::min(3, static_cast<int>(share * 4))] += 1;
        if (slackMs - slotMs < fastestFinishMs(task))
            ++forced;
    }
    o.forced = forced > 0;
    const double pool = std::max(1, o.poolSize);
    o.features[0] = std::min(1.0, o.poolSize / static_cast<double>(std::max(1, m_scenario.userCount())));
    o.features[1] = o.minSlackShare;
    for (int b = 0; b < 4; ++b)
        o.features[2 + b] = histogram[b] / pool;
    o.features[6] = std::clamp((m_gpuFreeMs - o.nowMs) / m_largestDeadlineMs, 0.0, 1.0);
    double recent = 0;
    for (double a : m_recentArrivals)
        recent += a;
    const double expected = m_expectedArrivalsPerSlot * static_cast<double>(std::max<size_t>(1, m_recentArrivals.size()));
    o.features[7] = expected > 0 ? std::min(1.0, recent / expected / 2.0) : 0.0;
    o.features[8] = forced / pool;
    const double scale = 4.0 * std::max(m_expectedArrivalsPerSlot, 1e-9);
    o.features[9] = std::min(1.0, m_shortRate / scale);
    o.features[10] = std::min(1.0, m_longRate / scale);
}

void OnlineSimulator::dispatchPool()
{
    if (m_pool.empty())
        return;
    const double nowMs = static_cast<double>(m_slot) * m_scenario.online.slotMs;
    Scenario batch;
    batch.dnn = m_scenario.dnn;
    const int n = m_scenario.dnn.subtaskCount();
    for (size_t i = 0; i < m_pool.size(); ++i) {
        User user = m_scenario.users[static_cast<size_t>(m_pool[i].user)];
        user.id = "task" + std::to_string(i);
        user.deadlineMs = std::max(m_pool[i].deadlineMs - nowMs, 1e-9);
        batch.users.push_back(std::move(user));
    }
    const CostModel model(batch, std::max(0.0, m_gpuFreeMs - nowMs));
    // Tasks that cannot make it whatever happens compute locally and count as misses; the rest
    // are planned together.
    Schedule schedule;
    std::vector<int> hopeless;
    for (int m = 0; m < model.userCount(); ++m)
        if (!model.feasibleAlone(m))
            hopeless.push_back(m);
    if (hopeless.empty()) {
        schedule = m_planner == OnlinePlanner::Og ? planOg(model) : planIpSsa(model);
    } else {
        Scenario reduced = batch;
        reduced.users.clear();
        std::vector<int> kept;
        for (int m = 0; m < model.userCount(); ++m)
            if (std::find(hopeless.begin(), hopeless.end(), m) == hopeless.end()) {
                reduced.users.push_back(batch.users[static_cast<size_t>(m)]);
                kept.push_back(m);
            }
        schedule.partitions.assign(static_cast<size_t>(model.userCount()), n);
        schedule.groups.assign(static_cast<size_t>(model.userCount()), -1);
        if (!kept.empty()) {
            const CostModel reducedModel(reduced, model.edgeFreeAtMs());
            const Schedule part = m_planner == OnlinePlanner::Og ? planOg(reducedModel) : planIpSsa(reducedModel);
            for (size_t i = 0; i < kept.size(); ++i) {
                schedule.partitions[static_cast<size_t>(kept[i])] = part.partitions[i];
                schedule.groups[static_cast<size_t>(kept[i])] = part.groups[i];
            }
            for (BatchSpec spec : part.batches) {
                for (int& member : spec.users)
                    member = kept[static_cast<size_t>(member)];
                schedule.batches.push_back(std::move(spec));
            }
        }
    }
    const Plan plan = simulate(batch, model, schedule, "online");
    int misses = 0;
    for (size_t i = 0; i < plan.users.size(); ++i) {
        const UserOutcome& user = plan.users[i];
        const bool missed = !meetsDeadline(user.finishMs, user.deadlineMs);
        misses += missed;
        m_lastCompletionMs = std::max(m_lastCompletionMs, nowMs + user.finishMs);
        const double waitedSlots = std::max(0.0, nowMs - m_pool[i].releaseMs) / m_scenario.online.slotMs;
        m_slotReward -=
            (user.energyMj / m_meanLocalMj + (missed ? m_missPenalty : 0.0)) * std::pow(m_rewardDiscount, -waitedSlots);
    }
    m_result.spanMs = std::max(0.0, m_lastCompletionMs - m_firstArrivalMs);
    double lastEndMs = m_gpuFreeMs - nowMs;
    for (const TimedBatch& timed : plan.batches) {
        m_result.gpuBusyMs += timed.endMs - timed.startMs;
        m_result.batchMembers += static_cast<long long>(timed.users.size());
        lastEndMs = std::max(lastEndMs, timed.endMs);
    }
    m_result.batches += static_cast<long long>(plan.batches.size());
    m_gpuFreeMs = nowMs + lastEndMs;
    m_result.energyMj += plan.totalEnergyMj;
    m_result.misses += misses;
    ++m_result.dispatches;
    if (m_dispatchLog)
        m_dispatchLog->push_back({nowMs, m_pool, plan});
    m_pool.clear();
}

double OnlineSimulator::step(bool dispatch)
{
    m_slotReward = 0;
    if (!done()) {
        if ((dispatch && !m_pool.empty()) || m_observation.forced)
            dispatchPool();
        ++m_slot;
        admitArrivals();
        if (done())
            dispatchPool(); // the horizon ends: whatever waits goes now
        updateObservation();
    }
    return m_slotReward;
}

DispatchPolicy immediatePolicy()
{
    return [](const OnlineObservation& o) { return o.poolSize > 0; };
}

DispatchPolicy periodicPolicy(double periodMs, double slotMs)
{
    return
        [periodMs, slotMs](const OnlineObservation& o) { return o.poolSize > 0 && std::fmod(o.nowMs, periodMs) < slotMs - 1e-9; };
}

DispatchPolicy thresholdPolicy(double threshold)
{
    return [threshold](const OnlineObservation& o) { return o.poolSize > 0 && o.minSlackShare <= threshold; };
}

OnlineResult runEpisode(const Scenario& scenario, OnlinePlanner planner, const std::vector<OnlineTask>& trace,
                        const DispatchPolicy& policy, OnlineRecord* record, const PolicyThreshold& threshold)
{
    OnlineSimulator simulator(scenario, planner, trace);
    if (record)
        simulator.recordDispatches(&record->dispatches);
    while (!simulator.done()) {
        const OnlineObservation& observation = simulator.observe();
        const int tasksBefore = simulator.result().tasks, dispatchesBefore = simulator.result().dispatches;
        const double nowMs = observation.nowMs;
        if (record) {
            record->slotStartMs.push_back(nowMs);
            record->poolSize.push_back(observation.poolSize);
            record->minSlackShare.push_back(observation.minSlackShare);
            if (threshold)
                record->threshold.push_back(threshold(observation));
        }
        simulator.step(policy(observation));
        if (record) {
            if (simulator.result().dispatches > dispatchesBefore)
                record->dispatchMs.push_back(nowMs);
            record->arrivals.push_back(simulator.result().tasks - tasksBefore);
        }
    }
    return simulator.result();
}

std::string onlineRecordCsv(const Scenario& scenario, const OnlineRecord& record, std::uint64_t seed)
{
    const OnlineSettings& online = scenario.online;
    const std::vector<MmppSegment> path =
        online.mmpp && !online.mmppPerUser && online.trace.empty() ? makeMmppPath(online, seed, 0) : std::vector<MmppSegment>{};
    std::string csv = "slot_ms,arrivals,pool,min_slack_share,threshold,dispatched,mmpp_state\n";
    size_t segment = 0, dispatch = 0;
    char row[160];
    for (size_t slot = 0; slot < record.slotStartMs.size(); ++slot) {
        const double nowMs = record.slotStartMs[slot];
        // Both lists are in time order, and a dispatch is stamped with its slot's start.
        const bool dispatched = dispatch < record.dispatchMs.size() && record.dispatchMs[dispatch] == nowMs;
        dispatch += dispatched ? 1 : 0;
        while (segment + 1 < path.size() && path[segment].endMs <= nowMs)
            ++segment;
        char threshold[32] = "";
        if (slot < record.threshold.size() && record.threshold[slot] >= 0)
            std::snprintf(threshold, sizeof threshold, "%.4f", record.threshold[slot]);
        const std::string state = path.empty() ? std::string() : std::to_string(path[segment].state);
        std::snprintf(row, sizeof row, "%g,%d,%d,%.4f,%s,%d,%s\n", nowMs, record.arrivals[slot], record.poolSize[slot],
                      record.minSlackShare[slot], threshold, dispatched ? 1 : 0, state.c_str());
        csv += row;
    }
    return csv;
}

std::string recordEpisodeCsv(const Scenario& scenario, OnlinePlanner planner, std::uint64_t seed, const DispatchPolicy& policy,
                             const PolicyThreshold& threshold)
{
    OnlineRecord record;
    runEpisode(scenario, planner, makeArrivalTrace(scenario, seed), policy, &record, threshold);
    return onlineRecordCsv(scenario, record, seed);
}

OnlineResult localOnlyResult(const Scenario& scenario, const std::vector<OnlineTask>& trace)
{
    const CostModel model(scenario);
    OnlineResult result;
    result.horizonMs = scenario.online.horizonMs;
    double lastCompletionMs = 0;
    for (const OnlineTask& task : trace) {
        ++result.tasks;
        const double energy = model.energyMj(task.user, model.subtaskCount());
        result.energyMj += energy;
        result.localEnergyMj += energy;
        const double finishMs = task.releaseMs + model.localMs(task.user, model.subtaskCount());
        result.misses += !meetsDeadline(finishMs, task.deadlineMs);
        lastCompletionMs = std::max(lastCompletionMs, finishMs);
    }
    if (!trace.empty())
        result.spanMs = lastCompletionMs - trace.front().releaseMs;
    return result;
}

} // namespace coinfer
