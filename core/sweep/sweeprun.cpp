// Running a sweep: the points of a shard planned on worker threads.
#include "core/sweep/sweep.h"

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/planning/search.h"
#include "core/sweep/sweepenvelope.h"
#include "core/util/expected.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <functional>
#include <iterator>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

namespace coinfer {
namespace {

Unexpected<Error> badInput(std::string message)
{
    return Unexpected(Error{ErrorCode::BadInput, std::move(message)});
}

int algorithmRank(const std::string& name)
{
    const std::vector<Algorithm> all = allAlgorithms();
    for (size_t i = 0; i < all.size(); ++i)
        if (algorithmName(all[i]) == name)
            return static_cast<int>(i);
    return static_cast<int>(all.size());
}

/// The planners of @p request in allAlgorithms() order.
std::vector<Algorithm> orderedAlgorithms(const SweepRequest& request)
{
    const std::vector<Algorithm> wanted = request.algorithms.empty() ? defaultSweepAlgorithms() : request.algorithms;
    std::vector<Algorithm> ordered;
    for (Algorithm algorithm : allAlgorithms())
        if (std::find(wanted.begin(), wanted.end(), algorithm) != wanted.end())
            ordered.push_back(algorithm);
    return ordered;
}

Expected<void> checkRequest(const SweepBase& base, const SweepRequest& request)
{
    if (request.values.empty())
        return badInput("no values to sweep");
    if (request.repeats < 1 || request.repeats > 1'000'000)
        return badInput("repeats must be a whole number from 1 to 1000000, not " + std::to_string(request.repeats));
    if (request.shardCount < 1 || request.shardIndex < 1 || request.shardIndex > request.shardCount)
        return badInput("shard " + std::to_string(request.shardIndex) + "/" + std::to_string(request.shardCount) +
                        " must be I/N with 1 <= I <= N");
    if (request.jobs < 1)
        return badInput("jobs must be at least 1, not " + std::to_string(request.jobs));
    if (static_cast<double>(request.values.size()) * request.repeats > 2e9)
        return badInput("values x repeats is too many points");
    for (double value : request.values)
        if (Expected<void> ok = checkSweepValue(base, request.parameter, value); !ok)
            return ok;
    return {};
}

/// The row of a planner that could not plan (a user late even alone).
SweepRow unplannedRow(double localEnergyMj)
{
    SweepRow row;
    row.localEnergyMj = localEnergyMj;
    row.lowerBoundMj = NAN;
    row.gapPercent = NAN;
    return row;
}

SweepRow plannedRow(const Plan& plan)
{
    SweepRow row;
    row.planned = true;
    row.energyMj = plan.totalEnergyMj;
    row.localEnergyMj = plan.localEnergyMj;
    row.savingPercent = plan.savingPercent;
    row.feasible = plan.feasible;
    row.batches = static_cast<int>(plan.batches.size());
    row.lowerBoundMj = std::isfinite(plan.lowerBoundMj) ? plan.lowerBoundMj : NAN;
    row.gapPercent = gapPercent(plan);
    return row;
}

/// Everything the workers share.
struct SweepRun {
    SweepRun(const SweepBase& base_, const SweepRequest& request_, const SweepProgressFn& progress_)
        : base(base_)
        , request(request_)
        , progress(progress_)
        , algorithms(orderedAlgorithms(request_))
        , points(sweepShardPoints(request_))
        , rows(points.size())
        , bestSchedules(points.size())
    {
    }

    const SweepBase& base;
    const SweepRequest& request;
    const SweepProgressFn& progress;
    std::vector<Algorithm> algorithms;
    std::vector<SweepPoint> points;
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};                          ///< cancel or error: no new point, searches stop
    std::mutex lock;                                        ///< guards everything below and the progress calls
    std::vector<std::optional<std::vector<SweepRow>>> rows; ///< per point, once finished
    std::vector<std::optional<Schedule>> bestSchedules;     ///< per point, for a recosted relaxation's envelope
    int done = 0;
    bool cancelled = false;
    std::optional<Error> error;

    bool externallyCancelled() const { return request.cancel && request.cancel->load(); }
};

/// The rows of one point's @p scenario, planned by each algorithm of the run. Searches stop
/// when the run stops. Over a recosted relaxation, best's schedule goes to @p bestSchedule.
std::vector<SweepRow> planVariant(SweepRun& run, const SweepPoint& point, double value, const Scenario& scenario,
                                  std::optional<Schedule>& bestSchedule)
{
    const CostModel model(scenario);
    std::vector<SweepRow> rows;
    for (Algorithm algorithm : run.algorithms) {
        PlanOptions options;
        options.control.workBudget =
            algorithm == Algorithm::Exact
                ? (run.request.exactWorkBudget > 0 ? run.request.exactWorkBudget : kDefaultSweepExactWorkBudget)
                : run.request.bestWorkBudget;
        options.control.cancel = &run.stop;
        // The outside flag reaches a running search through its progress report (every 50 ms).
        options.control.progress = [&run](const SearchProgress&) {
            if (run.externallyCancelled())
                run.stop = true;
        };
        const auto start = std::chrono::steady_clock::now();
        Expected<Plan> plan = makePlan(scenario, model, algorithm, nullptr, options);
        const double elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        SweepRow row = plan ? plannedRow(*plan) : unplannedRow(model.localEnergyMj());
        if (plan && algorithm == Algorithm::Best && isRecostedRelaxation(run.request.parameter))
            bestSchedule = scheduleOfPlan(*plan);
        row.parameter = sweepParameterName(run.request.parameter);
        row.value = value;
        row.repeat = point.repeat;
        row.algorithm = algorithmName(algorithm);
        row.timeMs = elapsedMs;
        rows.push_back(std::move(row));
        if (run.stop || run.externallyCancelled())
            break;
    }
    return rows;
}

/// The rows of one point, or its variant's error.
Expected<std::vector<SweepRow>> planPoint(SweepRun& run, const SweepPoint& point, std::optional<Schedule>& bestSchedule)
{
    const double value = run.request.values[static_cast<size_t>(point.valueIndex)];
    return sweepVariant(run.base, run.request.parameter, value, point.repeat, run.request.seed)
        .transform([&](const Scenario& scenario) { return planVariant(run, point, value, scenario, bestSchedule); });
}

/// Keeps a finished point unless the run was stopped meanwhile (a stopped search's plan is
/// not the deterministic one), and tells the callback.
void finishPoint(SweepRun& run, size_t index, Expected<std::vector<SweepRow>> rows, std::optional<Schedule> bestSchedule)
{
    const std::lock_guard<std::mutex> guard(run.lock);
    if (!rows) {
        if (!run.error)
            run.error = rows.error();
        run.stop = true;
        return;
    }
    if (run.stop || run.externallyCancelled()) {
        run.cancelled = true;
        run.stop = true;
        return;
    }
    run.rows[index] = std::move(*rows);
    run.bestSchedules[index] = std::move(bestSchedule);
    ++run.done;
    if (run.progress && !run.progress(SweepProgress{run.done, static_cast<int>(run.points.size()), &*run.rows[index]})) {
        run.cancelled = true;
        run.stop = true;
    }
}

void work(SweepRun& run)
{
    while (!run.stop) {
        if (run.externallyCancelled()) {
            const std::lock_guard<std::mutex> guard(run.lock);
            run.cancelled = true;
            run.stop = true;
            return;
        }
        const size_t index = run.next++;
        if (index >= run.points.size())
            return;
        Expected<std::vector<SweepRow>> rows = Unexpected(Error{ErrorCode::BadInput, "out of memory"});
        std::optional<Schedule> bestSchedule;
        try {
            rows = planPoint(run, run.points[index], bestSchedule);
        } catch (const std::bad_alloc&) {
            // rows keeps the error: a worker must not let an exception end the process
        }
        finishPoint(run, index, std::move(rows), std::move(bestSchedule));
    }
}

} // namespace

bool SweepRow::before(const SweepRow& other) const
{
    if (value != other.value)
        return value < other.value;
    if (repeat != other.repeat)
        return repeat < other.repeat;
    return algorithmRank(algorithm) < algorithmRank(other.algorithm);
}

std::vector<SweepPoint> sweepShardPoints(const SweepRequest& request)
{
    std::vector<SweepPoint> points;
    long long k = 0;
    for (int v = 0; v < static_cast<int>(request.values.size()); ++v)
        for (int r = 0; r < request.repeats; ++r, ++k)
            if (request.shardCount >= 1 && k % request.shardCount == request.shardIndex - 1)
                points.push_back({v, r});
    return points;
}

namespace {

/// runSweep on a request already checked.
Expected<SweepResult> runCheckedSweep(const SweepBase& base, const SweepRequest& request, const SweepProgressFn& progress)
{
    SweepRun run(base, request, progress);
    const size_t threads = std::min(static_cast<size_t>(request.jobs), std::max<size_t>(run.points.size(), 1));
    std::vector<std::thread> workers;
    for (size_t i = 1; i < threads; ++i)
        workers.emplace_back([&run] { work(run); });
    work(run);
    for (std::thread& worker : workers)
        worker.join();
    if (run.error)
        return Unexpected(*run.error);
    SweepResult result;
    result.pointsTotal = static_cast<int>(run.points.size());
    result.pointsDone = run.done;
    result.cancelled = run.cancelled;
    for (std::optional<std::vector<SweepRow>>& rows : run.rows)
        if (rows)
            std::move(rows->begin(), rows->end(), std::back_inserter(result.rows));
    applyRelaxationEnvelope(result.rows);
    std::vector<PointSchedule> schedules;
    for (size_t i = 0; i < run.points.size(); ++i)
        if (run.bestSchedules[i])
            schedules.push_back(PointSchedule{run.points[i], std::move(*run.bestSchedules[i])});
    applyRecostedEnvelope(base, request, schedules, result.rows);
    return result;
}

} // namespace

Expected<SweepResult> runSweep(const SweepBase& base, const SweepRequest& request, const SweepProgressFn& progress)
{
    return checkRequest(base, request).and_then([&] { return runCheckedSweep(base, request, progress); });
}

} // namespace coinfer
