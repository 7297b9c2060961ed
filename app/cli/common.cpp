#include "app/cli/common.h"

#include "core/util/decimal.h"

#include "app/cli.h"
#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/io/scenariorefs.h"

#include <algorithm>
#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <ostream>
#include <system_error>
#include <utility>
#include <variant>

namespace coinfer::cli {

CLI::App* Commands::add(CLI::App& parent, const std::string& name, const std::string& description, CommandFn run)
{
    CLI::App* command = parent.add_subcommand(name, description);
    // A name after the command is its argument, not a second command.
    command->require_subcommand(0, 1);
    m_runners[command] = run;
    return command;
}

CommandFn Commands::runnerOf(const CLI::App* command) const
{
    const auto it = m_runners.find(command);
    return it == m_runners.end() ? nullptr : it->second;
}

CLI::Option* addArgument(CLI::App& command, const std::string& name, const std::string& description)
{
    // Not required by CLI11: each command checks its arguments itself, with its own message.
    return command.add_option(name, description);
}

CLI::Option* addValueOption(CLI::App& command, const std::string& name, const std::string& typeName,
                            const std::string& description, const std::string& defaultValue)
{
    CLI::Option* option = command.add_option(name, description);
    option->type_name(typeName);
    option->default_str(defaultValue);
    // Every occurrence is kept, so that a repeated option is refused rather than one silently winning.
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    return option;
}

std::optional<std::string> optionValue(const CLI::App& command, const std::string& name)
{
    const CLI::Option* option = command.get_option(name);
    if (option->count() > 0)
        return option->results().front();
    if (!option->get_default_str().empty())
        return option->get_default_str();
    return std::nullopt;
}

std::vector<std::string> arguments(const CLI::App& command)
{
    std::vector<std::string> values;
    for (const CLI::Option* option : command.get_options())
        if (option->get_positional())
            values.insert(values.end(), option->results().begin(), option->results().end());
    for (const std::string& surplus : command.remaining())
        values.push_back(surplus);
    return values;
}

std::optional<long long> parseInteger(const std::string& text)
{
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+')
        ++first;
    long long value = 0;
    const auto [end, error] = std::from_chars(first, last, value);
    if (first == last || error != std::errc() || end != last)
        return std::nullopt;
    return value;
}

std::optional<double> parseDecimal(const std::string& text)
{
    return parsePlainDecimal(text);
}

std::optional<int> intOption(const CLI::App& command, const std::string& name, int min, int max, std::ostream& err)
{
    const std::string text = optionValue(command, name).value_or("");
    const std::optional<long long> value = parseInteger(text);
    if (value && *value >= min && *value <= max)
        return static_cast<int>(*value);
    err << "coinfer: " << name << " must be an integer from " << min << " to " << max << ", not '" << text << "'\n";
    return std::nullopt;
}

std::optional<std::string> choiceOption(const CLI::App& command, const std::string& name, const std::vector<std::string>& allowed,
                                        const std::string& prefix, std::ostream& err)
{
    const std::string value = optionValue(command, name).value_or("");
    for (const std::string& choice : allowed)
        if (value == choice)
            return value;
    err << prefix << ": " << name << " must be ";
    for (size_t i = 0; i < allowed.size(); ++i)
        err << (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") << allowed[i];
    err << ", not '" << value << "'\n";
    return std::nullopt;
}

int fail(std::ostream& err, const Error& error)
{
    err << "coinfer: " << error.message << "\n";
    switch (error.code) {
    case ErrorCode::Infeasible:
        return kExitInfeasible;
    case ErrorCode::NoDevice:
        return kExitNoDevice;
    default:
        return kExitBadInput;
    }
}

namespace {

/// The argument of @p command that names the same file as @p output, if any: every value of
/// every option and positional but @p outputOption, with a "ddpg:" policy prefix removed.
std::optional<std::string> inputNamedBy(const CLI::App& command, const std::string& outputOption, const std::string& output)
{
    for (const CLI::Option* option : command.get_options()) {
        if (option->get_name() == outputOption)
            continue;
        for (std::string value : option->results()) {
            if (value.rfind("ddpg:", 0) == 0)
                value = value.substr(5);
            if (sameFile(value, output))
                return value;
        }
    }
    return std::nullopt;
}

} // namespace

std::string messagePrefix(const CLI::App& command)
{
    std::string path = command.get_name();
    for (const CLI::App* parent = command.get_parent(); parent && parent->get_parent(); parent = parent->get_parent())
        path = parent->get_name() + " " + path;
    return "coinfer " + path;
}

std::optional<std::string> oneScenarioFile(const CLI::App& command, std::ostream& err)
{
    const std::vector<std::string> files = arguments(command);
    if (files.size() == 1)
        return files[0];
    const std::string prefix = messagePrefix(command);
    err << prefix << ": give exactly one scenario file, not " << files.size() << " (see " << prefix << " --help)\n";
    return std::nullopt;
}

int refuseOverwrite(const CLI::App& command, const std::string& outputOption, const std::string& output, std::ostream& err)
{
    if (const std::optional<std::string> input = inputNamedBy(command, outputOption, output)) {
        err << "coinfer: " << outputOption << " " << output << " is the input file " << *input
            << "; writing there would replace it, so choose another file\n";
        return kExitBadInput;
    }
    // The files a scenario refers to are read by the same command, so they are inputs too.
    for (const CLI::Option* option : command.get_options()) {
        if (!option->get_positional() || option->get_name() != "SCENARIO.json")
            continue;
        for (const std::string& scenario : option->results()) {
            const std::vector<ScenarioReference> references = readScenarioReferences(scenario);
            if (const std::optional<ScenarioReference> reference = referenceWrittenBy(references, output)) {
                err << messagePrefix(command) << ": " << outputOption << " " << output << " is the scenario's " << reference->role
                    << " (" << reference->field << " of " << scenario << "); choose another file\n";
                return kExitBadInput;
            }
        }
    }
    return kExitOk;
}

namespace {

void printWarnings(const std::vector<std::string>& warnings, std::ostream& err)
{
    for (const std::string& warning : warnings)
        err << "coinfer: warning: " << warning << "\n";
}

} // namespace

Expected<Scenario> readScenarioWarning(const std::string& path, std::ostream& err)
{
    std::vector<std::string> warnings;
    Expected<Scenario> scenario = readScenario(path, {}, &warnings);
    printWarnings(warnings, err);
    return scenario;
}

Expected<DnnDescription> loadDnnWarning(const std::string& nameOrPath, std::ostream& err)
{
    std::vector<std::string> warnings;
    Expected<DnnDescription> dnn = loadDnn(nameOrPath, &warnings);
    printWarnings(warnings, err);
    return dnn;
}

int emit(const std::string& text, const CLI::App& command, Io io)
{
    const std::optional<std::string> output = optionValue(command, "--output");
    if (!output) {
        io.out << text;
        return kExitOk;
    }
    if (const int refused = refuseOverwrite(command, "--output", *output, io.err); refused != kExitOk)
        return refused;
    Expected<void> written = writeFileAtomically(*output, text);
    return written ? kExitOk : fail(io.err, written.error());
}

std::string format(const char* pattern, ...)
{
    va_list args;
    va_start(args, pattern);
    va_list again;
    va_copy(again, args);
    const int size = std::vsnprintf(nullptr, 0, pattern, args);
    va_end(args);
    std::string text(static_cast<size_t>(std::max(size, 0)), '\0');
    std::vsnprintf(text.data(), text.size() + 1, pattern, again);
    va_end(again);
    return text;
}

} // namespace coinfer::cli
