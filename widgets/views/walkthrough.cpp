#include "widgets/views/walkthrough.h"

#include "core/model/costmodel.h"
#include "core/planning/planner.h"

#include <QObject>

namespace coinfer {
namespace {

std::set<int> changedUsers(const Plan& before, const Plan& after)
{
    std::set<int> changed;
    for (size_t m = 0; m < after.users.size(); ++m)
        if (before.users[m].partition != after.users[m].partition || before.users[m].group != after.users[m].group)
            changed.insert(static_cast<int>(m));
    return changed;
}

Plan planOf(const Scenario& scenario, const CostModel& model, Algorithm algorithm)
{
    Expected<Plan> plan = makePlan(scenario, model, algorithm);
    return plan ? *plan : simulate(scenario, model, planLocal(model), algorithmName(algorithm));
}

} // namespace

Walkthrough::Walkthrough(const Scenario& scenario)
{
    const CostModel model(scenario);
    const Plan local = planOf(scenario, model, Algorithm::Local);
    const Plan alone = planOf(scenario, model, Algorithm::NoBatching);
    const Plan batched = planOf(scenario, model, Algorithm::IpSsa);
    const Plan grouped = planOf(scenario, model, Algorithm::Og);
    auto mj = [](double value) { return QString::number(value, 'f', 1); };
    auto late = [](const Plan& plan) { return plan.feasible ? QObject::tr("every deadline is met") : QObject::tr("some users miss their deadline"); };
    long long copies = 0;
    for (const TimedBatch& batch : alone.batches)
        copies += static_cast<long long>(batch.users.size());
    m_steps.push_back({QObject::tr("Step 0: every phone computes alone"),
                       QObject::tr("All %1 users run the whole network on their own CPU: %2 mJ in total.").arg(scenario.userCount()).arg(mj(local.totalEnergyMj)),
                       local, {}});
    m_steps.push_back({QObject::tr("Step 1: each user's cheapest feasible split"),
                       QObject::tr("Each user picks where to cut the network as if it had the GPU to itself: %1 mJ (%2% saved), but the GPU "
                                   "must run %3 sub-task copies one by one, and %4.")
                           .arg(mj(alone.totalEnergyMj)).arg(alone.savingPercent, 0, 'f', 1).arg(copies).arg(late(alone)),
                       alone, changedUsers(local, alone)});
    m_steps.push_back({QObject::tr("Step 2: copies of the same sub-task form one batch"),
                       QObject::tr("IP-SSA runs every user's copy of a sub-task as one batch, in one round that ends at the earliest "
                                   "deadline: %1 batches instead of %2 copies, %3 mJ (%4% saved), and %5.")
                           .arg(batched.batches.size()).arg(copies).arg(mj(batched.totalEnergyMj)).arg(batched.savingPercent, 0, 'f', 1)
                           .arg(late(batched)),
                       batched, changedUsers(alone, batched)});
    m_steps.push_back({QObject::tr("Step 3: groups by deadline"),
                       QObject::tr("OG sorts users by deadline and gives each group its own round, so late users are not held to the "
                                   "earliest deadline: %1 mJ (%2% saved), and %3.")
                           .arg(mj(grouped.totalEnergyMj)).arg(grouped.savingPercent, 0, 'f', 1).arg(late(grouped)),
                       grouped, changedUsers(batched, grouped)});
}

bool Walkthrough::next()
{
    if (m_current + 1 >= stepCount())
        return false;
    ++m_current;
    return true;
}

bool Walkthrough::previous()
{
    if (m_current == 0)
        return false;
    --m_current;
    return true;
}

} // namespace coinfer
