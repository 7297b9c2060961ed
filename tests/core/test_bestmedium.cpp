// Best beyond the reach of exhaustive search: the fourteen-user cases an audit found, "completed"
// said only of proofs, the same plan under any machine load, and a fast subset of the medium
// families of families.h (bench/best_medium runs them all).
#include "campus.h"
#include "tests/common/sanitized.h"
#include "families.h"

#include "core/io/fileio.h"
#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "core/planning/neighbourhood.h"
#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"
#include "core/planning/roundbuilder.h"
#include "core/simulation/simulator.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

using namespace coinfer;
using coinfer::testing::campus;
using coinfer::testing::kSanitized;

namespace {

Scenario loadCase(const QString& name)
{
    Expected<Scenario> scenario = readScenario(QStringLiteral(COINFER_TEST_DATA "/planner/%1").arg(name).toStdString());
    if (!scenario)
        qFatal("%s", scenario.error().message.c_str());
    return *scenario;
}

/// The least energy of the planners shown beside best, +inf when none is feasible.
double leastBeside(const Scenario& scenario, const CostModel& model)
{
    double least = std::numeric_limits<double>::infinity();
    for (Algorithm algorithm :
         {Algorithm::Local, Algorithm::FullOffload, Algorithm::NoBatching, Algorithm::IpSsa, Algorithm::Og}) {
        const Expected<Plan> plan = makePlan(scenario, model, algorithm);
        if (plan && plan->feasible)
            least = std::min(least, plan->totalEnergyMj);
    }
    return least;
}

/// Spins on every core until destroyed: a machine busy with other work.
class CpuHogs {
public:
    CpuHogs()
    {
        const unsigned count = std::max(2u, std::thread::hardware_concurrency());
        for (unsigned i = 0; i < count; ++i)
            m_threads.emplace_back([this] {
                volatile double sink = 1;
                while (!m_stop.load(std::memory_order_relaxed))
                    sink = sink * 1.0000001 + 1e-9;
            });
    }
    ~CpuHogs()
    {
        m_stop = true;
        for (std::thread& thread : m_threads)
            thread.join();
    }

private:
    std::atomic<bool> m_stop{false};
    std::vector<std::thread> m_threads;
};

/// makePlan's best as `coinfer plan` runs it: the default work budget (or @p workBudget) and the
/// default safety stop.
Plan planAsTheCliDoes(const Scenario& scenario, const CostModel& model, long long workBudget = 0)
{
    PlanOptions options;
    options.control.timeLimitMs = kBestSafetyTimeLimitMs;
    options.control.workBudget = workBudget;
    Expected<Plan> plan = makePlan(scenario, model, Algorithm::Best, nullptr, options);
    if (!plan)
        qFatal("%s", plan.error().message.c_str());
    return *plan;
}

} // namespace

class TestBestMedium : public QObject {
    Q_OBJECT

private slots:
    void fourteenUserCases_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("B_max 5") << "fourteen-users-bmax5.json";
        QTest::newRow("deadlines x1.2") << "fourteen-users-deadlines-x1.2.json";
        QTest::newRow("B_max 14") << "fourteen-users-bmax14.json";
    }

    /// Best was 3.4, 6.1 and 1.24 times the optimum here; exact proves the optimum, and best's
    /// default budget must reach it within 1%.
    void fourteenUserCases()
    {
        QFETCH(QString, file);
        const Scenario scenario = loadCase(file);
        const CostModel model(scenario);
        const BestOutcome exact = planExactAnytime(scenario, model, {});
        QCOMPARE(searchEndName(exact.end), "completed");
        QVERIFY(exact.provenOptimal);
        const Plan best = planAsTheCliDoes(scenario, model);
        QVERIFY(best.feasible);
        QVERIFY2(best.totalEnergyMj <= exact.energyMj * 1.01,
                 qPrintable(QStringLiteral("best %1 mJ, optimum %2 mJ").arg(best.totalEnergyMj).arg(exact.energyMj)));
        QVERIFY(best.lowerBoundMj <= exact.energyMj * (1 + 1e-9));
    }

    /// The plan of 226.937 mJ that showed the old "completed" was no proof verifies, and equals
    /// the proven optimum of the B_max 5 case (a plan for B_max 5 is one for B_max 14).
    void theKnownPlanOfTheBmax14CaseVerifies()
    {
        const Scenario scenario = loadCase("fourteen-users-bmax14.json");
        const CostModel model(scenario);
        const Expected<std::string> text = readTextFile(COINFER_TEST_DATA "/planner/fourteen-users-bmax14-plan-226.937.json");
        QVERIFY(text);
        const Expected<Plan> plan = parsePlan(*text, "plan", scenario);
        QVERIFY(plan);
        QVERIFY(verifyPlan(scenario, model, *plan).empty());
        const Plan best = planAsTheCliDoes(scenario, model);
        QVERIFY(best.totalEnergyMj <= plan->totalEnergyMj * (1 + 1e-9));
    }

    /// "completed" and proven_optimal only with a proof: on every medium instance, a search that
    /// says completed has a bound equal to its plan, and one whose bound is below it says why.
    void completedOnlyWithAProof()
    {
        int notProven = 0;
        for (size_t f = 0; f < families::medium().size(); ++f)
            for (int i : {3, 8, 11}) {
                const Scenario scenario = families::mediumScenario(f, i);
                const CostModel model(scenario);
                SearchControl control;
                control.workBudget = 3'000'000;
                const BestOutcome best = planBest(scenario, model, control);
                QVERIFY(best.found);
                const bool proven = best.lowerBoundMj >= best.energyMj * (1 - 1e-9);
                QCOMPARE(best.provenOptimal, proven);
                QCOMPARE(best.end == SearchEnd::Completed, proven);
                notProven += !proven;
            }
        QVERIFY2(notProven > 0, "no instance exercised an unproven end");
    }

    /// The same file gives the same plan, byte for byte, on an idle and on a loaded machine: the
    /// work budget stops best, not the clock. (A tenth of the default budget, so that the loaded
    /// run stays far from the safety stop under the sanitizers too.)
    void sameBytesUnderLoad()
    {
        const Scenario scenario = families::mediumScenario(1, 11); // 40 users, spends the whole budget
        const CostModel model(scenario);
        const long long budget = kDefaultBestWorkBudget / 10;
        const Plan idle = planAsTheCliDoes(scenario, model, budget);
        QCOMPARE(idle.searchEnd, std::string(searchEndName(SearchEnd::WorkBudget)));
        Plan loaded;
        {
            CpuHogs hogs;
            loaded = planAsTheCliDoes(scenario, model, budget);
        }
        QCOMPARE(loaded.searchEnd, idle.searchEnd);
        QCOMPARE(planToJson(scenario, loaded), planToJson(scenario, idle));
    }

    /// The branch and bound asks for rounds of partial vectors, where -1 marks a user not yet
    /// assigned: such a user takes no part, exactly as a local one. (It was read as partition
    /// -1, before the user's tables: best's plan at 10,000 users then depended on what the heap
    /// held, and the app's plan differed from the command line's.)
    void aUserNotAssignedYetTakesNoPartInRounds()
    {
        const Scenario scenario = families::mediumScenario(2, 5);
        const CostModel model(scenario);
        std::vector<int> partial(static_cast<size_t>(model.userCount()), 0), local(partial);
        for (size_t m = 0; m < partial.size(); m += 3) {
            partial[m] = -1;
            local[m] = model.subtaskCount();
        }
        const std::vector<Schedule> withUnassigned = chunkedRoundSchedules(model, partial);
        const std::vector<Schedule> withLocal = chunkedRoundSchedules(model, local);
        QCOMPARE(withUnassigned.size(), withLocal.size());
        for (size_t i = 0; i < withLocal.size(); ++i) {
            QCOMPARE(withUnassigned[i].batches.size(), withLocal[i].batches.size());
            for (size_t b = 0; b < withLocal[i].batches.size(); ++b) {
                QCOMPARE(withUnassigned[i].batches[b].subtask, withLocal[i].batches[b].subtask);
                QCOMPARE(withUnassigned[i].batches[b].users, withLocal[i].batches[b].users);
            }
        }
    }

    /// One instance of each medium family (sizes 10 to 40 users): best finds a plan, never above
    /// a planner shown beside it, and within 5% of what twice its budget finds.
    /// Under the sanitizers (ten times slower) the quality half is left to the normal build: the
    /// plans are still made, checked and compared with the planners beside them.
    void mediumFamiliesSubset()
    {
        for (size_t f = 0; f < families::medium().size(); ++f) {
            const int index = static_cast<int>(2 * f + 1) % 12;
            const Scenario scenario = families::mediumScenario(f, index);
            const CostModel model(scenario);
            const Plan best = planAsTheCliDoes(scenario, model, kSanitized ? kDefaultBestWorkBudget / 10 : 0);
            QVERIFY2(best.feasible, qPrintable(QString::fromStdString(families::medium()[f].name)));
            QVERIFY(best.totalEnergyMj <= leastBeside(scenario, model) * (1 + 1e-9));
            if (kSanitized)
                continue;
            SearchControl longer;
            longer.workBudget = 2 * defaultBestWorkBudget(model.userCount());
            const BestOutcome reference = planBest(scenario, model, longer);
            QVERIFY2(best.totalEnergyMj <= reference.energyMj * 1.05,
                     qPrintable(QStringLiteral("%1 #%2: best %3 mJ, twice the budget %4 mJ")
                                    .arg(QString::fromStdString(families::medium()[f].name))
                                    .arg(index)
                                    .arg(best.totalEnergyMj)
                                    .arg(reference.energyMj)));
        }
    }

    /// Counterexamples of the medium families, each with the best plan any method found and how
    /// far above it best may stay. On constant #47 (40 users, two deadlines) every user at its
    /// cheapest option fits, but only when a small round of the six earliest arrivals goes
    /// before the full round of the other early-deadline users; the greedy cut into rounds
    /// filled the first round to B_max and best stopped at 3,618.9 mJ (104% above the optimum).
    /// Best was 24.7% above on affine #46, 9.8% on affine #44 (with the best cut into rounds,
    /// before the cheaper window checks) and 10.9% on noisy #45. On step #59 (40 users, two
    /// deadlines) best stopped 9.6% above (1,241.8 mJ): the cheaper plans have pairs of users with
    /// the same deadline exchange partitions, pairs that windows of a few users rarely hold
    /// together and the slot reassignment exchanges at once (1,130.962 mJ, what 16 times the old
    /// budget found). With the old budget, which is now the budget above 64 users, best stopped
    /// 26.0% above on quadratic #80 (22 users x 5 sub-tasks, B_max 2; the windows' searches were
    /// cut short before they found the cheaper plans), 15.8% on noisy #81 (28 x 6, B_max 3) and
    /// 16.3% on affine #66 (10 x 4, B_max 2; the branch and bound needs about 4 times the old
    /// budget, and then proves 834.545 mJ optimal). Noisy #81 stays 2.5% above since each window
    /// gets a 12th of the stage's budget instead of a 24th (fewer misses over instances 48-83).
    void mediumCounterexamples_data()
    {
        QTest::addColumn<int>("family");
        QTest::addColumn<int>("index");
        QTest::addColumn<double>("bestKnownMj");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("constant #47") << 0 << 47 << 1773.192 << 1.01;
        QTest::newRow("affine #44") << 1 << 44 << 1756.818 << 1.05;
        QTest::newRow("affine #46") << 1 << 46 << 2845.386 << 1.05;
        QTest::newRow("noisy #45") << 6 << 45 << 2003.860 << 1.05;
        QTest::newRow("step #59") << 4 << 59 << 1130.962 << 1.01;
        QTest::newRow("quadratic #80") << 3 << 80 << 1982.202 << 1.01;
        QTest::newRow("noisy #81") << 6 << 81 << 4610.830 << 1.05; // 4,725.1 mJ with windows of a 12th
        QTest::newRow("affine #66") << 1 << 66 << 834.545 << 1.01;
    }

    void mediumCounterexamples()
    {
        QFETCH(int, family);
        QFETCH(int, index);
        QFETCH(double, bestKnownMj);
        QFETCH(double, tolerance);
        const Scenario scenario = families::mediumScenario(static_cast<size_t>(family), index);
        const CostModel model(scenario);
        const Plan best = planAsTheCliDoes(scenario, model, kSanitized ? kDefaultBestWorkBudget / 10 : 0);
        QVERIFY(best.feasible);
        QVERIFY(verifyPlan(scenario, model, best).empty());
        if (kSanitized)
            return; // a tenth of the budget: the quality half is the normal build's
        QVERIFY2(best.totalEnergyMj <= bestKnownMj * tolerance + 1e-3,
                 qPrintable(QStringLiteral("best %1 mJ, best known %2 mJ").arg(best.totalEnergyMj).arg(bestKnownMj)));
    }

    /// The slot reassignment returns only plans the simulator finds feasible, cheaper than the
    /// one it was given, with no sub-task needed by more users than before (users take the
    /// places of others or leave theirs empty): from the feasible plans of IP-SSA, OG and
    /// no-batching on the first twelve instances of every medium family, where it must save
    /// energy somewhere.
    void slotReassignmentKeepsPlansFeasible()
    {
        int tried = 0, improved = 0;
        for (size_t f = 0; f < families::medium().size(); ++f)
            for (int i = 0; i < 12; ++i) {
                const Scenario scenario = families::mediumScenario(f, i);
                const CostModel model(scenario);
                for (Algorithm algorithm : {Algorithm::IpSsa, Algorithm::Og, Algorithm::NoBatching}) {
                    const Expected<Plan> given = makePlan(scenario, model, algorithm);
                    if (!given || !given->feasible)
                        continue;
                    Schedule start;
                    for (const UserOutcome& user : given->users) {
                        start.partitions.push_back(user.partition);
                        start.groups.push_back(user.group);
                    }
                    for (const TimedBatch& batch : given->batches)
                        start.batches.push_back({batch.subtask, batch.users});
                    SearchControl control;
                    WorkMeter meter(control);
                    ++tried;
                    const std::optional<Schedule> reassigned = reassignSlots(model, meter, start, given->totalEnergyMj);
                    if (!reassigned)
                        continue;
                    const Plan plan = simulate(scenario, model, *reassigned, "slots");
                    QVERIFY(plan.feasible);
                    QVERIFY(plan.totalEnergyMj < given->totalEnergyMj);
                    for (int n = 1; n <= model.subtaskCount(); ++n) {
                        auto needing = [n](const std::vector<int>& partitions) {
                            return std::count_if(partitions.begin(), partitions.end(), [n](int p) { return p < n; });
                        };
                        QVERIFY(needing(reassigned->partitions) <= needing(start.partitions));
                    }
                    ++improved;
                }
            }
        qInfo("the slot reassignment saved energy on %d of %d plans", improved, tried);
        QVERIFY(improved > 0);
    }

    /// The best cut of an order into rounds (segmentRounds) holds wherever the greedy cut does,
    /// and its rounds are feasible in the simulator: on the first twelve instances of every
    /// medium family, every user at its cheapest option, in the deadline order.
    void segmentedRoundsHoldWhereGreedyOnesDo()
    {
        int greedyFails = 0, segmentedHolds = 0;
        for (size_t f = 0; f < families::medium().size(); ++f)
            for (int i = 0; i < 12; ++i) {
                const Scenario scenario = families::mediumScenario(f, i);
                const CostModel model(scenario);
                std::vector<int> cheapest(static_cast<size_t>(model.userCount()), model.subtaskCount());
                std::vector<int> order(cheapest.size());
                for (int m = 0; m < model.userCount(); ++m) {
                    cheapest[static_cast<size_t>(m)] = model.aloneOptionsCheapestFirst(m).front();
                    order[static_cast<size_t>(m)] = m;
                }
                std::stable_sort(order.begin(), order.end(),
                                 [&](int a, int b) { return model.deadlineMs(a) < model.deadlineMs(b); });
                const bool greedy =
                    simulate(scenario, model, roundSchedule(model, cheapest, chunkRounds(model, cheapest, order)), "greedy")
                        .feasible;
                const std::vector<int> groups = segmentRounds(model, cheapest, order);
                const bool segmented =
                    !groups.empty() && simulate(scenario, model, roundSchedule(model, cheapest, groups), "cut").feasible;
                if (groups.empty())
                    QVERIFY(!greedy);
                else
                    QVERIFY(segmented);
                greedyFails += !greedy;
                segmentedHolds += segmented && !greedy;
            }
        qInfo("greedy cut failed on %d, the best cut held on %d of those", greedyFails, segmentedHolds);
    }

    /// The campus at scale, where the round packing fills the GPU: best's certified gap (to the
    /// bound of its own plan file) stays below 3% at 200 users (0.00% since the arrival count
    /// bound, docs/algorithms.md section 8: the plan is optimal there) and below what it reached
    /// when the packing came in at 2,000 (0.73%), with room for harmless changes; the main branch
    /// before them was at 7.04% and 4.16%.
    void campusGapAtScale_data()
    {
        QTest::addColumn<int>("users");
        QTest::addColumn<double>("maxGapPercent");
        QTest::newRow("200 users") << 200 << 3.0;
        QTest::newRow("2,000 users") << 2000 << 2.0;
    }

    void campusGapAtScale()
    {
        QFETCH(int, users);
        QFETCH(double, maxGapPercent);
        const Scenario scenario = campus(users);
        const CostModel model(scenario);
        const Plan best = planAsTheCliDoes(scenario, model);
        QVERIFY(best.feasible);
        QVERIFY(verifyPlan(scenario, model, best).empty());
        QCOMPARE(best.searchEnd, std::string(searchEndName(SearchEnd::WorkBudget)));
        QVERIFY2(gapPercent(best) < maxGapPercent, qPrintable(QStringLiteral("%1 users: best %2 mJ, bound %3 mJ, gap %4%")
                                                                  .arg(users)
                                                                  .arg(best.totalEnergyMj)
                                                                  .arg(best.lowerBoundMj)
                                                                  .arg(gapPercent(best))));
        QVERIFY(best.totalEnergyMj <= leastBeside(scenario, model) * (1 + 1e-9));
    }
};

QTEST_APPLESS_MAIN(TestBestMedium)
#include "test_bestmedium.moc"
