// The `coinfer` command line: the CLI11 app of every command, the parse, the checks every
// command shares, and the dispatch to the command that was given.
#include "app/cli.h"

#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "app/cli/help.h"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstddef>
#include <memory>
#include <ostream>

namespace coinfer {
namespace cli {
namespace {

const std::string kHelpFlagHelp = "print this help and exit";
const std::string kVersionFlagHelp = "print the version and exit";

/// The command line: the CLI11 app and the function of each command.
struct CommandLine {
    CLI::App app{"coinfer: plan multi-user co-inference with a batching edge GPU", "coinfer"};
    Commands commands;
    CLI::Option* version = nullptr;

    CommandLine()
    {
        // Set before the commands are added: they inherit all of it.
        app.formatter(std::make_shared<HelpFormatter>());
        app.set_help_flag("-h,--help", kHelpFlagHelp);
        // Leftovers are collected and refused by checkParsed, with messages that name them.
        app.allow_extras();
        app.require_subcommand(0, 1);
        version = app.add_flag("--version", kVersionFlagHelp);
        app.footer(
            "Exit status: 0 success; 1 verify (or profile check) found a broken constraint; 2 bad command line or input file;\n"
            "3 no feasible plan (the message names the users that miss their deadline); 4 profile found\n"
            "no usable GPU, or this build has no CUDA.");
        addPlanCommands(app, commands);
        addDnnCommands(app, commands);
        addOnlineCommands(app, commands);
        addSweepCommands(app, commands);
    }
};

/// The commands given, from the program down to the one that runs.
std::vector<const CLI::App*> givenCommands(const CLI::App& app)
{
    std::vector<const CLI::App*> chain{&app};
    while (!chain.back()->get_subcommands().empty())
        chain.push_back(chain.back()->get_subcommands().front());
    return chain;
}

/// The command whose --help was given: the first one in the chain.
const CLI::App& helpAskedOf(const CLI::App& app)
{
    for (const CLI::App* command : givenCommands(app))
        if (command->get_help_ptr() && command->get_help_ptr()->count() > 0)
            return *command;
    return app;
}

/// What CLI11 itself refuses: an option at the end of the line, or "--name=", without its value.
int parseFailure(const CLI::ParseError& error, std::ostream& err)
{
    const std::string what = error.what();
    const size_t colon = what.find(": ");
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) && colon != std::string::npos &&
        what.find(" missing") != std::string::npos)
        err << "coinfer: " << what.substr(0, colon) << " needs a value\n";
    else
        err << "coinfer: " << what << " (see coinfer --help)\n";
    return kExitBadInput;
}

/// As CLI11 reads arguments: "-x" or "--name" is an option, "-5" a number.
bool looksLikeOption(const std::string& text)
{
    return text.size() > 1 && text[0] == '-' && !std::isdigit(static_cast<unsigned char>(text[1]));
}

/// CLI11 gives an option the next argument as its value even when that is another option:
/// "--output --format table" would write a file named "--format". Such a value is a missing one.
bool refuseOptionsAsValues(const CLI::App& command, std::ostream& err)
{
    for (const CLI::Option* option : command.get_options()) {
        if (option->get_positional())
            continue;
        for (const std::string& value : option->results())
            if (looksLikeOption(value)) {
                err << "coinfer: " << option->get_name() << " needs a value\n";
                return false;
            }
    }
    return true;
}

bool refuseUnknownOptions(const CLI::App& command, std::ostream& err)
{
    for (const std::string& leftover : command.remaining())
        if (looksLikeOption(leftover)) {
            err << "coinfer: unknown option " << leftover.substr(0, leftover.find('=')) << " (see coinfer --help)\n";
            return false;
        }
    return true;
}

/// Every occurrence of an option is kept (addValueOption), so that one given twice is refused
/// instead of the last silently winning.
bool refuseRepeatedOptions(const CLI::App& command, std::ostream& err)
{
    for (const CLI::Option* option : command.get_options())
        if (!option->get_positional() && option->count() > 1) {
            err << "coinfer: " << option->get_name() << " is given more than once (see coinfer --help)\n";
            return false;
        }
    return true;
}

/// The checks every command shares, in the order a person fixes them: a missing value, an
/// unknown option, a repeated one. Arguments and values are each command's to check.
bool checkParsed(const std::vector<const CLI::App*>& commands, std::ostream& err)
{
    for (const CLI::App* command : commands)
        if (!refuseOptionsAsValues(*command, err) || !refuseUnknownOptions(*command, err) ||
            !refuseRepeatedOptions(*command, err))
            return false;
    return true;
}

} // namespace
} // namespace cli

int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const cli::Profiler* profiler)
{
    cli::CommandLine commandLine;
    const CLI::App& app = commandLine.app;
    if (args.empty()) {
        err << cli::helpText(app);
        return kExitBadInput;
    }
    // CLI11 reads the arguments from the back; "coinfer help" is "coinfer --help".
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    if (reversed.back() == "help")
        reversed.back() = "--help";
    try {
        commandLine.app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        out << cli::helpText(cli::helpAskedOf(app));
        return kExitOk;
    } catch (const CLI::ParseError& error) {
        return cli::parseFailure(error, err);
    }
    if (commandLine.version->count() > 0) {
        out << "coinfer " << COINFER_VERSION << "\n";
        return kExitOk;
    }
    const std::vector<const CLI::App*> commands = cli::givenCommands(app);
    if (!app.remaining().empty()) {
        // In the command's place, anything is an unknown command; after one (past "--"), a surplus.
        const std::string leftover = app.remaining().front();
        if (commands.size() == 1 || leftover == args.front())
            err << "coinfer: unknown command '" << leftover << "' (see coinfer --help)\n";
        else if (cli::refuseUnknownOptions(app, err))
            err << "coinfer: unexpected argument '" << leftover << "' (see coinfer --help)\n";
        return kExitBadInput;
    }
    const cli::CommandFn run = commandLine.commands.runnerOf(commands.back());
    if (!run) {
        err << cli::helpText(app);
        return kExitBadInput;
    }
    if (!cli::checkParsed(commands, err))
        return kExitBadInput;
    return run(*commands.back(), {out, err, args, profiler});
}

} // namespace coinfer
