#pragma once
// Pieces every command of the command line shares: how an option is defined and read, how an
// error becomes an exit status, and where a command's output goes.

#include "core/dnn/dnn.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace coinfer::cli {

struct Profiler;

/// The streams of one run: results to out, messages and progress to err; and what `profile`
/// needs to measure.
struct Io {
    std::ostream& out;
    std::ostream& err;
    /// The arguments of the run as given, which `coinfer profile` hands on to coinfer-profile.
    const std::vector<std::string>& args;
    /// The GPU profiler linked into this program (coinfer-profile, tests), or nullptr: then
    /// `profile` and `profile check` run the coinfer-profile program (app/cli/profile.h).
    const Profiler* profiler = nullptr;
};

/// Runs one parsed command; returns its exit status (ExitStatus in app/cli.h).
using CommandFn = int (*)(const CLI::App& command, Io io);

/// The group of the options a command cannot run without; they show unbracketed in the usage
/// line. The command itself checks for them, so that its message says what to give.
inline const std::string kNeededGroup = "Needed";

/// The commands of the command line: each CLI11 (sub)command with the function that runs it.
class Commands {
public:
    /// Adds the command @p name under @p parent. @p description is its paragraph in the help
    /// (lines separated by '\n'); @p run runs it when it is the command given.
    CLI::App* add(CLI::App& parent, const std::string& name, const std::string& description, CommandFn run);

    /// The function that runs @p command, or nullptr for one added without.
    CommandFn runnerOf(const CLI::App* command) const;

private:
    std::map<const CLI::App*, CommandFn> m_runners;
};

/// Adds the positional argument @p name (as shown in the help, e.g. "SCENARIO.json").
CLI::Option* addArgument(CLI::App& command, const std::string& name, const std::string& description);

/// Adds the option @p name that takes one value, shown as "--name TYPE" with @p typeName.
/// @p defaultValue is what the command uses when the option is absent ("" for none or one that
/// depends on other options); the help shows it.
CLI::Option* addValueOption(CLI::App& command, const std::string& name, const std::string& typeName,
                            const std::string& description, const std::string& defaultValue = "");

/// The value given for option @p name, or its default when it is absent (nullopt when it has none).
std::optional<std::string> optionValue(const CLI::App& command, const std::string& name);

/// The positional arguments as given: the declared ones that were filled, then any surplus.
std::vector<std::string> arguments(const CLI::App& command);

/// "coinfer sweep merge": the command's name with its parents', for messages.
std::string messagePrefix(const CLI::App& command);

/// The one scenario file @p command was given; nullopt after "coinfer CMD: give exactly one
/// scenario file, not N (see coinfer CMD --help)" on @p err for none or several.
std::optional<std::string> oneScenarioFile(const CLI::App& command, std::ostream& err);

/// The strict forms of numbers on the command line: an optional sign and digits; a plain
/// decimal (digits, '.', an exponent). Leading spaces, hexadecimal, units or trailing text: nullopt.
std::optional<long long> parseInteger(const std::string& text);
std::optional<double> parseDecimal(const std::string& text);

/// Option @p name as an integer from @p min to @p max (its default when absent); nullopt after a
/// message naming the option when it is not one.
std::optional<int> intOption(const CLI::App& command, const std::string& name, int min, int max, std::ostream& err);

/// Option @p name when it is one of @p allowed (its default when absent); nullopt after
/// "PREFIX: --name must be A or B, not 'X'".
std::optional<std::string> choiceOption(const CLI::App& command, const std::string& name, const std::vector<std::string>& allowed,
                                        const std::string& prefix, std::ostream& err);

/// Prints @p error and returns the exit status for its code.
int fail(std::ostream& err, const Error& error);

/// Refuses to write @p output (the value of option @p outputOption) over a file that @p command
/// reads: any other argument or option value (a "ddpg:" prefix removed), or a file that a
/// SCENARIO.json argument refers to (description, GPU profile, trace). Files are compared by
/// identity (sameFile), so links and other spellings are caught. Returns kExitOk, or
/// kExitBadInput after a message naming both roles. Reads each scenario argument once more.
int refuseOverwrite(const CLI::App& command, const std::string& outputOption, const std::string& output, std::ostream& err);

/// Writes @p text to the file of --output (atomically), or to out when --output is absent;
/// refuses (refuseOverwrite) an --output that is one of the command's inputs.
int emit(const std::string& text, const CLI::App& command, Io io);

/// Reads a scenario, printing "coinfer: warning: ..." on @p err for each field it does not know.
Expected<Scenario> readScenarioWarning(const std::string& path, std::ostream& err);
/// Loads a built-in DNN or a description file, warning like readScenarioWarning.
Expected<DnnDescription> loadDnnWarning(const std::string& nameOrPath, std::ostream& err);

/// printf into a std::string.
std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

} // namespace coinfer::cli
