// TimelineModel: a plan's or an episode's lanes, segments, facts and energy over time, for the
// timeline view and its exports. The view itself is timelineview.cpp.
#include "widgets/views/timelineview.h"

#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/online/online.h"
#include "core/util/tolerance.h"

#include <QObject>
#include <QString>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace coinfer {

double LaneEnergy::planAt(double timeMs) const
{
    auto share = [timeMs](double start, double end) {
        return end <= start ? (timeMs >= end ? 1.0 : 0.0) : std::clamp((timeMs - start) / (end - start), 0.0, 1.0);
    };
    return computeMj * share(computeStartMs, computeEndMs) + uploadMj * share(uploadStartMs, uploadEndMs);
}

double LaneEnergy::localAt(double timeMs) const
{
    if (localOnlyMs <= 0)
        return timeMs >= localStartMs ? localOnlyMj : 0.0;
    return localOnlyMj * std::clamp((timeMs - localStartMs) / localOnlyMs, 0.0, 1.0);
}

TimelineModel::TimelineModel(const Scenario& scenario, const Plan& plan)
{
    const int users = static_cast<int>(plan.users.size());
    m_lanes = users + 1;
    for (int m = 0; m < users; ++m) {
        const UserOutcome& user = plan.users[static_cast<size_t>(m)];
        m_names.push_back(QString::fromStdString(scenario.users[static_cast<size_t>(m)].id));
        m_deadlinesMs.push_back(user.deadlineMs);
        m_endMs = std::max(m_endMs, user.deadlineMs);
        if (std::isfinite(user.finishMs))
            m_endMs = std::max(m_endMs, user.finishMs);
        if (user.uploadStartMs > 0)
            m_segments.push_back({SegmentKind::Local, m, 0.0, user.uploadStartMs});
        const User& source = scenario.users[static_cast<size_t>(m)];
        LaneEnergy energy;
        for (int n = 0; n < user.partition && n < static_cast<int>(source.localEnergyMj.size()); ++n)
            energy.computeMj += source.localEnergyMj[static_cast<size_t>(n)];
        energy.computeEndMs = user.uploadStartMs;
        energy.uploadMj = user.energyMj - energy.computeMj;
        energy.uploadStartMs = user.uploadStartMs;
        energy.uploadEndMs = user.uploadEndMs;
        for (size_t n = 0; n < source.localEnergyMj.size(); ++n) {
            energy.localOnlyMj += source.localEnergyMj[n];
            energy.localOnlyMs += source.localLatencyMs[n];
        }
        m_energies.push_back(energy);
        if (user.uploadEndMs > user.uploadStartMs)
            m_segments.push_back({SegmentKind::Upload, m, user.uploadStartMs, user.uploadEndMs});
    }
    m_names.push_back(QStringLiteral("GPU"));
    m_algorithm = QString::fromStdString(plan.algorithm);
    m_hasPlan = true;
    for (int m = 0; m < users; ++m) {
        const UserOutcome& user = plan.users[static_cast<size_t>(m)];
        LaneFacts facts{user.deadlineMs, user.finishMs, user.group, user.partition,
                        QString::fromStdString(scenario.users[static_cast<size_t>(m)].deviceClass)};
        facts.late = !std::isfinite(user.finishMs) || user.finishMs > user.deadlineMs + 1e-9;
        m_lateCount += facts.late;
        m_facts.push_back(std::move(facts));
    }
    // Each user's edge sub-tasks, and the waiting between its upload and its first batch.
    std::vector<double> lastEndMs(static_cast<size_t>(users));
    for (int m = 0; m < users; ++m)
        lastEndMs[static_cast<size_t>(m)] = plan.users[static_cast<size_t>(m)].uploadEndMs;
    for (size_t b = 0; b < plan.batches.size(); ++b) {
        const TimedBatch& batch = plan.batches[b];
        m_segments.push_back({SegmentKind::GpuBatch, users, batch.startMs, batch.endMs, batch.subtask, static_cast<int>(b)});
        for (int m : batch.users) {
            if (batch.startMs > lastEndMs[static_cast<size_t>(m)])
                m_segments.push_back({SegmentKind::Waiting, m, lastEndMs[static_cast<size_t>(m)], batch.startMs});
            m_segments.push_back({SegmentKind::Edge, m, batch.startMs, batch.endMs, batch.subtask, static_cast<int>(b)});
            lastEndMs[static_cast<size_t>(m)] = batch.endMs;
        }
        m_endMs = std::max(m_endMs, batch.endMs);
    }
    m_batchSizes.resize(plan.batches.size());
    for (size_t b = 0; b < plan.batches.size(); ++b)
        m_batchSizes[b] = static_cast<int>(plan.batches[b].users.size());
    indexLanes();
}

namespace {

/// The energy breakdown of one task of an episode dispatched at @p atMs: its local part, its
/// upload, and the local-only run it replaces (from its release). O(sub-tasks).
LaneEnergy episodeLaneEnergy(const User& source, const UserOutcome& outcome, double atMs, double releaseMs)
{
    LaneEnergy energy;
    for (int n = 0; n < outcome.partition && n < static_cast<int>(source.localEnergyMj.size()); ++n)
        energy.computeMj += source.localEnergyMj[static_cast<size_t>(n)];
    energy.computeStartMs = atMs;
    energy.computeEndMs = atMs + outcome.uploadStartMs;
    energy.uploadMj = outcome.energyMj - energy.computeMj;
    energy.uploadStartMs = atMs + outcome.uploadStartMs;
    energy.uploadEndMs = atMs + outcome.uploadEndMs;
    for (size_t n = 0; n < source.localEnergyMj.size(); ++n) {
        energy.localOnlyMj += source.localEnergyMj[n];
        energy.localOnlyMs += source.localLatencyMs[n];
    }
    energy.localStartMs = releaseMs;
    return energy;
}

} // namespace

TimelineModel TimelineModel::fromEpisode(const Scenario& scenario, const std::vector<OnlineDispatch>& dispatches)
{
    TimelineModel model;
    model.m_episode = true;
    model.m_hasPlan = true;
    model.m_algorithm = QObject::tr("Online episode");
    // Every task once, in release order: (release, dispatch, place in that dispatch's pool).
    struct TaskRef {
        double releaseMs;
        size_t dispatch, slot;
    };
    std::vector<TaskRef> refs;
    std::vector<std::vector<int>> laneOf(dispatches.size());
    for (size_t d = 0; d < dispatches.size(); ++d) {
        laneOf[d].assign(dispatches[d].tasks.size(), -1);
        for (size_t i = 0; i < dispatches[d].tasks.size(); ++i)
            refs.push_back({dispatches[d].tasks[i].releaseMs, d, i});
    }
    std::stable_sort(refs.begin(), refs.end(), [](const TaskRef& a, const TaskRef& b) { return a.releaseMs < b.releaseMs; });
    const int tasks = static_cast<int>(refs.size());
    model.m_lanes = tasks + 1;
    for (int lane = 0; lane < tasks; ++lane) {
        const TaskRef& ref = refs[static_cast<size_t>(lane)];
        laneOf[ref.dispatch][ref.slot] = lane;
        const OnlineDispatch& dispatch = dispatches[ref.dispatch];
        const OnlineTask& task = dispatch.tasks[ref.slot];
        const UserOutcome& outcome = dispatch.plan.users[ref.slot];
        const User& source = scenario.users[static_cast<size_t>(task.user)];
        const double at = dispatch.atMs;
        const double finishMs = at + outcome.finishMs;
        model.m_names.push_back(QStringLiteral("%1 #%2").arg(QString::fromStdString(source.id)).arg(lane + 1));
        model.m_deadlinesMs.push_back(task.deadlineMs);
        model.m_endMs = std::max(model.m_endMs, task.deadlineMs);
        if (std::isfinite(finishMs))
            model.m_endMs = std::max(model.m_endMs, finishMs);
        model.m_segments.push_back({SegmentKind::Pending, lane, task.releaseMs, at, 0, -1, task.releaseMs});
        if (outcome.uploadStartMs > 0)
            model.m_segments.push_back({SegmentKind::Local, lane, at, at + outcome.uploadStartMs, 0, -1, at});
        if (outcome.uploadEndMs > outcome.uploadStartMs)
            model.m_segments.push_back(
                {SegmentKind::Upload, lane, at + outcome.uploadStartMs, at + outcome.uploadEndMs, 0, -1, at});
        model.m_energies.push_back(episodeLaneEnergy(source, outcome, at, task.releaseMs));
        LaneFacts facts{task.deadlineMs, finishMs, static_cast<int>(ref.dispatch), outcome.partition,
                        QString::fromStdString(source.deviceClass)};
        facts.late = !std::isfinite(finishMs) || !meetsDeadline(finishMs, task.deadlineMs);
        facts.releaseMs = task.releaseMs;
        facts.dispatchMs = at;
        model.m_lateCount += facts.late;
        model.m_facts.push_back(std::move(facts));
    }
    model.m_names.push_back(QStringLiteral("GPU"));
    // Each dispatch's batches on the GPU, numbered across the episode, and each member's wait
    // for its batch after its upload.
    std::vector<double> lastEndMs(static_cast<size_t>(tasks));
    for (const TaskRef& ref : refs)
        lastEndMs[static_cast<size_t>(laneOf[ref.dispatch][ref.slot])] =
            dispatches[ref.dispatch].atMs + dispatches[ref.dispatch].plan.users[ref.slot].uploadEndMs;
    for (size_t d = 0; d < dispatches.size(); ++d) {
        const double at = dispatches[d].atMs;
        model.m_stepEventsMs.push_back(at);
        for (const TimedBatch& batch : dispatches[d].plan.batches) {
            const int index = static_cast<int>(model.m_batchSizes.size());
            model.m_batchSizes.push_back(static_cast<int>(batch.users.size()));
            model.m_segments.push_back(
                {SegmentKind::GpuBatch, tasks, at + batch.startMs, at + batch.endMs, batch.subtask, index, at});
            for (int member : batch.users) {
                const int lane = laneOf[d][static_cast<size_t>(member)];
                double& last = lastEndMs[static_cast<size_t>(lane)];
                if (at + batch.startMs > last)
                    model.m_segments.push_back({SegmentKind::Waiting, lane, last, at + batch.startMs, 0, -1, at});
                model.m_segments.push_back(
                    {SegmentKind::Edge, lane, at + batch.startMs, at + batch.endMs, batch.subtask, index, at});
                last = at + batch.endMs;
            }
            model.m_endMs = std::max(model.m_endMs, at + batch.endMs);
        }
    }
    model.indexLanes();
    return model;
}

std::pair<double, double> TimelineModel::energyAt(double timeMs) const
{
    double planned = 0, local = 0;
    for (const LaneEnergy& energy : m_energies) {
        planned += energy.planAt(timeMs);
        local += energy.localAt(timeMs);
    }
    return {planned, local};
}

void TimelineModel::indexLanes()
{
    // Counting sort by lane, then by start inside a lane: O(S log S) at most.
    m_laneOffsets.assign(static_cast<size_t>(m_lanes) + 1, 0);
    for (const TimelineSegment& segment : m_segments)
        ++m_laneOffsets[static_cast<size_t>(segment.lane) + 1];
    for (size_t l = 1; l < m_laneOffsets.size(); ++l)
        m_laneOffsets[l] += m_laneOffsets[l - 1];
    m_laneIndex.resize(m_segments.size());
    std::vector<int> fill(m_laneOffsets.begin(), m_laneOffsets.end() - 1);
    for (size_t k = 0; k < m_segments.size(); ++k)
        m_laneIndex[static_cast<size_t>(fill[static_cast<size_t>(m_segments[k].lane)]++)] = static_cast<int>(k);
    for (int lane = 0; lane < m_lanes; ++lane)
        std::stable_sort(m_laneIndex.begin() + m_laneOffsets[static_cast<size_t>(lane)],
                         m_laneIndex.begin() + m_laneOffsets[static_cast<size_t>(lane) + 1], [this](int a, int b) {
                             return m_segments[static_cast<size_t>(a)].startMs < m_segments[static_cast<size_t>(b)].startMs;
                         });
}

std::pair<const int*, const int*> TimelineModel::laneSegments(int lane) const
{
    if (lane < 0 || lane >= m_lanes)
        return {nullptr, nullptr};
    const int* base = m_laneIndex.data();
    return {base + m_laneOffsets[static_cast<size_t>(lane)], base + m_laneOffsets[static_cast<size_t>(lane) + 1]};
}

int TimelineModel::batchSize(int batch) const
{
    return batch >= 0 && batch < static_cast<int>(m_batchSizes.size()) ? m_batchSizes[static_cast<size_t>(batch)] : 0;
}

} // namespace coinfer
