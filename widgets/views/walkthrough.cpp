#include "widgets/views/walkthrough.h"

#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "core/planning/saturation.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"

#include <QChar>
#include <QLatin1Char>
#include <QObject>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace coinfer {
namespace {

/// Step 3's sentence when OG's plan is IP-SSA's, with %1 for the energy: why grouping by
/// deadline changes nothing here, instead of describing rounds that are not there.
QString sameAsOneRound(const Scenario& scenario, const Plan& grouped)
{
    std::set<double> deadlines;
    for (const UserOutcome& user : grouped.users)
        if (user.partition < scenario.dnn.subtaskCount()) // offloads some sub-task
            deadlines.insert(user.deadlineMs);
    if (deadlines.empty())
        return QObject::tr("Here grouping by deadline changes nothing: no user offloads, so there is no round to group, and OG's "
                           "plan is IP-SSA's (%1 mJ).");
    if (deadlines.size() == 1)
        return QObject::tr("Here grouping by deadline changes nothing: the users who offload share one deadline, so there is one "
                           "group and OG's plan is IP-SSA's (%1 mJ).");
    return QObject::tr("Here grouping by deadline changes nothing: OG tried a round per deadline group, and no split into rounds "
                       "costs less than IP-SSA's one round, so the plan stays the same (%1 mJ).");
}

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

/// A sub-task's short name: its name up to the first space or colon ("conv1+pool1" of
/// "conv1+pool1: conv 3x3/2 ..."), or "sub-task n" when that is empty.
QString shortName(const Scenario& scenario, int subtask)
{
    const QString name = QString::fromStdString(scenario.dnn.subtasks[static_cast<size_t>(subtask - 1)].name).trimmed();
    qsizetype end = 0;
    while (end < name.size() && name[end] != QLatin1Char(' ') && name[end] != QLatin1Char(':'))
        ++end;
    return end == 0 ? QObject::tr("sub-task %1").arg(subtask) : name.left(end);
}

QString kibibytes(double bytes)
{
    return QObject::tr("%1 KB").arg(bytes / 1024.0, 0, 'f', bytes < 10 * 1024 ? 1 : 0);
}

} // namespace

std::optional<SplitExample> bestSplitExample(const Scenario& scenario, const CostModel& model, const Plan& plan)
{
    const int n = model.subtaskCount();
    std::optional<SplitExample> best;
    double bestSavingMj = 0;
    for (size_t m = 0; m < plan.users.size(); ++m) {
        const int user = static_cast<int>(m);
        const int p = plan.users[m].partition;
        if (p <= 0 || p >= n)
            continue;
        const double endsMj = std::min(model.energyMj(user, 0), model.energyMj(user, n));
        const double savingMj = endsMj - model.energyMj(user, p);
        if (best && savingMj <= bestSavingMj)
            continue;
        bestSavingMj = savingMj;
        best = SplitExample{user,
                            p,
                            model.localMs(user, p),
                            model.computeEnergyMj(user, p),
                            scenario.dnn.uploadBytes(p),
                            scenario.dnn.inputBytes,
                            model.energyMj(user, p),
                            model.energyMj(user, 0),
                            model.energyMj(user, n)};
    }
    return best;
}

QString splitSentence(const Scenario& scenario, const SplitExample& example)
{
    const QString layers = example.partition == 1
                               ? shortName(scenario, 1)
                               : QObject::tr("%1 to %2").arg(shortName(scenario, 1), shortName(scenario, example.partition));
    const QString id = QString::fromStdString(scenario.users[static_cast<size_t>(example.user)].id);
    return QObject::tr("Why split inside the network: %1 computes %2 on the phone (%3 ms, %4 mJ) and uploads %5 instead of the "
                       "%6 input: %7 mJ in all, against %8 mJ to upload the input and %9 mJ to compute the whole network.")
        .arg(id, layers)
        .arg(example.localMs, 0, 'f', 1)
        .arg(example.computeMj, 0, 'f', 1)
        .arg(kibibytes(example.uploadBytes), kibibytes(example.inputBytes))
        .arg(example.energyMj, 0, 'f', 1)
        .arg(example.uploadInputMj, 0, 'f', 1)
        .arg(example.localAllMj, 0, 'f', 1);
}

Walkthrough::Walkthrough(const Scenario& scenario)
{
    const CostModel model(scenario);
    const Plan local = planOf(scenario, model, Algorithm::Local);
    const Plan alone = planOf(scenario, model, Algorithm::NoBatching);
    const Plan batched = planOf(scenario, model, Algorithm::IpSsa);
    const Plan grouped = planOf(scenario, model, Algorithm::Og);
    auto mj = [](double value) { return QString::number(value, 'f', 1); };
    auto late = [](const Plan& plan) {
        return plan.feasible ? QObject::tr("every deadline is met") : QObject::tr("some users miss their deadline");
    };
    long long copies = 0;
    for (const TimedBatch& batch : alone.batches)
        copies += static_cast<long long>(batch.users.size());
    m_steps.push_back({QObject::tr("Step 0: every phone computes alone"),
                       QObject::tr("All %1 users run the whole network on their own CPU: %2 mJ in total.")
                           .arg(scenario.userCount())
                           .arg(mj(local.totalEnergyMj)),
                       local,
                       {},
                       std::nullopt});
    m_steps.push_back(
        {QObject::tr("Step 1: each user's cheapest feasible split"),
         QObject::tr("Each user picks where to cut the network as if it had the GPU to itself: %1 mJ (%2% saved), but the GPU "
                     "must run %3 sub-task copies one by one, and %4.")
             .arg(mj(alone.totalEnergyMj))
             .arg(alone.savingPercent, 0, 'f', 1)
             .arg(copies)
             .arg(late(alone)),
         alone, changedUsers(local, alone), bestSplitExample(scenario, model, alone)});
    if (const std::optional<SplitExample>& split = m_steps.back().split)
        m_steps.back().explanation += QLatin1Char(' ') + splitSentence(scenario, *split);
    // Where no such round fits (10,000 campus users), IP-SSA offloads nobody: "runs every copy
    // as one batch: 0 batches" contradicted itself.
    m_steps.push_back(
        {QObject::tr("Step 2: copies of the same sub-task form one batch"),
         (batched.batches.empty()
              ? QObject::tr("IP-SSA would run every user's copy of a sub-task as one batch, in one round that ends at the "
                            "earliest deadline; no such round fits here, so every user computes alone instead of %1 "
                            "copies on the GPU: %2 mJ (%3% saved), and %4.")
              : QObject::tr("IP-SSA runs every user's copy of a sub-task as one batch, in one round that ends at the "
                            "earliest deadline: %1 batches instead of %2 copies, %3 mJ (%4% saved), and %5.")
                    .arg(batched.batches.size()))
             .arg(copies)
             .arg(mj(batched.totalEnergyMj))
             .arg(batched.savingPercent, 0, 'f', 1)
             .arg(late(batched)),
         batched, changedUsers(alone, batched), std::nullopt});
    std::set<int> regrouped = changedUsers(batched, grouped);
    m_steps.push_back(
        {QObject::tr("Step 3: groups by deadline"),
         regrouped.empty() &&
                 std::fabs(grouped.totalEnergyMj - batched.totalEnergyMj) <= 1e-9 * std::max(1.0, batched.totalEnergyMj)
             ? sameAsOneRound(scenario, grouped).arg(mj(grouped.totalEnergyMj))
             : QObject::tr("OG sorts users by deadline and gives each group its own round, so late users are not held to "
                           "the earliest deadline: %1 mJ (%2% saved), and %3.")
                   .arg(mj(grouped.totalEnergyMj))
                   .arg(grouped.savingPercent, 0, 'f', 1)
                   .arg(late(grouped)),
         grouped, std::move(regrouped), std::nullopt});
    // Where the GPU's capacity caps the saving, the steps that share it say so: at 10,000
    // users step 3 showed "0.0% saved" and an empty GPU lane without a word why.
    const std::string saturated = describeGpuSaturation(gpuSaturation(model));
    if (!saturated.empty())
        for (size_t k = 2; k < m_steps.size(); ++k)
            m_steps[k].explanation +=
                QLatin1Char(' ') + QString::fromStdString(saturated).replace(0, 1, QString(saturated.front()).toUpper()) + '.';
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
