// The online-mode commands' shared parts, `coinfer train`, and the definitions of simulate,
// train and compare-online; simulate.cpp and compareonline.cpp run the other two.
#include "app/cli/online.h"

#include "app/cli.h"
#include "app/cli/commands.h"
#include "app/cli/search.h"

#include "core/learning/ddpg.h"

#include <atomic>
#include <functional>
#include <optional>
#include <ostream>
#include <utility>
#include <variant>

namespace coinfer::cli {

std::optional<OnlinePlanner> plannerOption(const CLI::App& command, std::ostream& err)
{
    const std::optional<std::string> name = choiceOption(command, "--planner", {"og", "ip-ssa"}, "coinfer", err);
    if (!name)
        return std::nullopt;
    return *name == "og" ? OnlinePlanner::Og : OnlinePlanner::IpSsa;
}

std::optional<Scenario> onlineScenarioArgument(const CLI::App& command, std::ostream& err, int& status)
{
    status = kExitBadInput;
    const std::optional<std::string> path = oneScenarioFile(command, err);
    if (!path)
        return std::nullopt;
    Expected<Scenario> scenario = readScenarioWarning(*path, err);
    if (scenario && !scenario->online.present)
        scenario =
            Unexpected(Error{ErrorCode::BadInput, *path + ": online: is missing (online mode needs slot_ms, horizon_ms and "
                                                          "an arrival process; see examples/online.json)"});
    if (!scenario) {
        status = fail(err, scenario.error());
        return std::nullopt;
    }
    status = kExitOk;
    return std::move(*scenario);
}

std::string resultLine(const std::string& name, const OnlineResult& r)
{
    return format("%-22s %11.3f %8d %9.2f %9.2f %9.1f %8d\n", name.c_str(), r.energyPerTaskMj(), r.misses, r.meanBatchSize(),
                  100 * r.gpuUtilisation(), r.savingPercent(), r.tasks);
}

std::string resultHeader()
{
    return format("%-22s %11s %8s %9s %9s %9s %8s\n", "policy", "mJ_per_task", "misses", "batch", "gpu_%", "saving_%", "tasks");
}

std::optional<std::vector<int>> hiddenOption(const CLI::App& command, const char* prefix, std::ostream& err)
{
    const std::string text = optionValue(command, "--hidden").value_or(hiddenLayersText(DdpgConfig{}.hidden));
    std::optional<std::vector<int>> sizes = parseHiddenLayers(text);
    if (!sizes)
        err << prefix << ": --hidden must be 1 to 4 layer sizes from 1 to 4096, separated by commas (e.g. 256,128), not '" << text
            << "'\n";
    return sizes;
}

Expected<DdpgPolicy> trainWithProgress(const Scenario& scenario, OnlinePlanner planner, int episodes, std::uint64_t seed,
                                       const std::vector<int>& hidden, std::ostream& err, bool ownHandler)
{
    TrainingOptions training;
    training.planner = planner;
    training.episodes = episodes;
    training.ddpg.seed = seed;
    training.ddpg.hidden = hidden;
    training.progress = [&](const EpisodeReport& r) {
        err << format("  %s episode %3d/%d: reward %9.1f, %.3f mJ/task, %d misses, %6.0f steps/s | evaluation %.3f mJ/task, %d "
                      "misses, threshold %.2f%s\n",
                      onlinePlannerName(planner).c_str(), r.episode, episodes, r.reward, r.energyPerTaskMj, r.misses,
                      r.stepsPerSecond, r.evaluationEnergyPerTaskMj, r.evaluationMisses, r.evaluationMeanThreshold,
                      r.best ? "  (best so far)" : "")
            << std::flush;
        return !g_cancelSearch.load();
    };
    // Ctrl-C, or SIGTERM at a cluster's time limit, ends training after the episode running and
    // keeps the best policy, as a search keeps its plan.
    std::optional<InterruptCancelsSearch> interrupts;
    if (ownHandler)
        interrupts.emplace();
    Expected<DdpgPolicy> policy = trainDdpg(scenario, training);
    interrupts.reset();
    if (g_cancelSearch.load() && ownHandler)
        err << "  stopped by " << stopSignalName() << "; keeping the best policy so far\n";
    return policy;
}

void reportVerdict(const TrainingVerdict& verdict, const std::string& scenarioPath, std::ostream& err)
{
    const std::string rule = format("threshold:%.2f", verdict.fixedRule.threshold);
    const std::string howToUse =
        "coinfer simulate " + scenarioPath + " --planner " + onlinePlannerName(verdict.planner) + " --policy " + rule;
    if (verdict.policyLoses())
        err << "coinfer: warning: " << verdict.warning(howToUse) << "\n";
    else
        err << format("  %.2f%% below the best fixed threshold %.2f (%.3f mJ/task, %d misses) on the same %d evaluation traces\n",
                      -verdict.excessPercent(), verdict.fixedRule.threshold, verdict.fixedRule.result.energyPerTaskMj(),
                      verdict.fixedRule.result.misses, verdict.evaluationEpisodes);
}

namespace {

int commandTrain(const CLI::App& command, Io io)
{
    const auto planner = plannerOption(command, io.err);
    const auto episodes = intOption(command, "--episodes", 1, 1'000'000, io.err);
    const auto seed = intOption(command, "--seed", 0, 2'000'000'000, io.err);
    const auto hidden = hiddenOption(command, "coinfer train", io.err);
    if (!planner || !episodes || !seed || !hidden)
        return kExitBadInput;
    if (!optionValue(command, "--output")) {
        io.err << "coinfer train: give --output POLICY.json\n";
        return kExitBadInput;
    }
    // Refused before training, not after hours of it.
    if (const int refused = refuseOverwrite(command, "--output", *optionValue(command, "--output"), io.err); refused != kExitOk)
        return refused;
    int status = kExitOk;
    std::optional<Scenario> scenario = onlineScenarioArgument(command, io.err, status);
    if (!scenario)
        return status;
    Expected<DdpgPolicy> policy =
        trainWithProgress(*scenario, *planner, *episodes, static_cast<std::uint64_t>(*seed), *hidden, io.err);
    if (!policy)
        return fail(io.err, policy.error());
    io.err << "  best policy from episode " << policy->episodes << ": " << policy->evaluationEnergyPerTaskMj << " mJ/task, "
           << policy->evaluationMisses << " misses on the evaluation traces\n";
    reportVerdict(judgeTraining(*scenario, *policy), arguments(command).front(), io.err);
    return emit(policyToJson(*policy), command, io);
}

const std::string kOnlineScenarioHelp = "a scenario file with an \"online\" block";
const std::string kPlannerHelp = "the planner each dispatch runs";

} // namespace

void addOnlineCommands(CLI::App& app, Commands& commands)
{
    CLI::App* simulate =
        commands.add(app, "simulate",
                     "Online mode: run K seeded arrival traces with a dispatch POLICY: immediate, periodic:<ms>,\n"
                     "threshold:<0..1>, ddpg:<policy.json> or local; report energy per task, deadline misses,\n"
                     "mean batch size, GPU utilisation and the saving against local computing.",
                     commandSimulate);
    addArgument(*simulate, "SCENARIO.json", kOnlineScenarioHelp);
    addValueOption(*simulate, "--planner", "og|ip-ssa", kPlannerHelp, "og");
    addValueOption(*simulate, "--policy", "POLICY", "when to dispatch the waiting tasks", "immediate");
    addValueOption(*simulate, "--episodes", "K", "the number of traces, 1 to 100000", "5");
    addValueOption(*simulate, "--seed", "S", "the first trace's seed; -1: the scenario's online seed", "-1");
    addValueOption(*simulate, "--format", "table|json", "a table for people or one line of JSON", "table");
    addValueOption(*simulate, "--record", "SLOTS.csv",
                   "write the first episode slot by slot (arrivals, pool, threshold, dispatches, MMPP state) as CSV");
    addValueOption(*simulate, "--trace", "ARRIVALS.csv",
                   "replay recorded arrivals (columns user,release_ms,deadline_ms; deadlines relative) once instead of\n"
                   "seeded traces");

    CLI::App* train =
        commands.add(app, "train", "Train a DDPG dispatch policy (Ctrl-C stops and keeps the best policy so far).", commandTrain);
    addArgument(*train, "SCENARIO.json", kOnlineScenarioHelp);
    addValueOption(*train, "--planner", "og|ip-ssa", kPlannerHelp, "og");
    addValueOption(*train, "--episodes", "E", "training episodes, 1 to 1000000", "100");
    addValueOption(*train, "--seed", "S", "the seed of the agent's weights and noise", "1");
    addValueOption(*train, "--hidden", "N,N,...", "the actor's and the critic's hidden layer sizes", "32,32");
    addValueOption(*train, "--output", "POLICY.json", "the policy file to write")->group(kNeededGroup);

    CLI::App* compareOnline =
        commands.add(app, "compare-online",
                     "Train DDPG-OG and DDPG-IP-SSA, then compare them with immediate, periodic, the best fixed\n"
                     "threshold (grid search) and local computing on the same seeded test traces.",
                     commandCompareOnline);
    addArgument(*compareOnline, "SCENARIO.json", kOnlineScenarioHelp);
    addValueOption(*compareOnline, "--episodes", "E", "training episodes of each DDPG agent, 1 to 1000000", "100");
    addValueOption(*compareOnline, "--test-episodes", "K", "test traces, 1 to 100000", "5");
    addValueOption(*compareOnline, "--seed", "S", "the seed of the agents' weights and noise", "1");
    addValueOption(*compareOnline, "--hidden", "N,N,...", "the agents' hidden layer sizes (actor and critic)", "32,32");
    addValueOption(*compareOnline, "--format", "table|json",
                   "a table for people, or a JSON array of {policy, planner, energy_per_task_mj, misses, mean_batch,\n"
                   "gpu_busy, saving_percent, tasks} (threshold-best and periodic-best add threshold and period_ms)",
                   "table");
}

} // namespace coinfer::cli
