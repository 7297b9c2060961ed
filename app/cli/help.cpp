#include "app/cli/help.h"

#include "app/cli/common.h"

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <vector>

namespace coinfer::cli {
namespace {

/// The indentation of usage lines and of the paragraphs under them.
const std::string kUsageIndent = "  ";
const std::string kParagraphIndent = "      ";

bool isHelpFlag(const CLI::App& command, const CLI::Option* option)
{
    return option == command.get_help_ptr();
}

std::vector<const CLI::Option*> positionals(const CLI::App& command)
{
    return command.get_options([](const CLI::Option* option) { return option->get_positional(); });
}

/// The options of @p command, without its arguments and without the help flag.
std::vector<const CLI::Option*> namedOptions(const CLI::App& command)
{
    return command.get_options(
        [&](const CLI::Option* option) { return option->nonpositional() && !isHelpFlag(command, option); });
}

std::vector<const CLI::App*> subcommands(const CLI::App& command)
{
    return command.get_subcommands([](const CLI::App*) { return true; });
}

/// A command that takes arguments or options runs by itself; one without only groups others.
bool runsByItself(const CLI::App& command)
{
    return !positionals(command).empty() || !namedOptions(command).empty();
}

std::string commandPath(const CLI::App& command)
{
    const CLI::App* parent = command.get_parent();
    return parent ? commandPath(*parent) + " " + command.get_name() : command.get_name();
}

/// "--name TYPE" (or "--name" for a flag).
std::string optionLabel(const CLI::Option* option)
{
    std::string names = option->get_name(false, true); // "-h,--help"
    for (size_t comma = names.find(','); comma != std::string::npos; comma = names.find(',', comma + 2))
        names.replace(comma, 1, ", ");
    return option->get_items_expected_max() == 0 ? names : names + " " + option->get_type_name();
}

/// @p text, each line indented by @p indent.
std::string indented(const std::string& text, const std::string& indent)
{
    std::string result;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        result += indent + line + "\n";
    return result;
}

/// The paragraph that describes @p command: its own, else that of the next sibling with one
/// (siblings without one share it, like `profile show | profile diff`), else its parent's.
std::string sharedDescription(const CLI::App& command)
{
    if (!command.get_description().empty() || !command.get_parent())
        return command.get_description();
    const std::vector<const CLI::App*> siblings = subcommands(*command.get_parent());
    for (auto it = std::find(siblings.begin(), siblings.end(), &command); it != siblings.end(); ++it)
        if (!(*it)->get_description().empty())
            return (*it)->get_description();
    return command.get_parent()->get_description();
}

/// A top-level command's lines under "Usage:". A command that runs by itself shows its usage
/// line and paragraph first. Then each sub-command: consecutive ones without a paragraph share
/// the next one's and are joined on its line with " | "; those left over before the end are
/// listed one per line above the command's own paragraph.
std::string usageBlock(const CLI::App& command)
{
    std::string text;
    const bool ownFirst = runsByItself(command) || subcommands(command).empty();
    if (ownFirst)
        text += kUsageIndent + synopsis(command) + "\n" + indented(command.get_description(), kParagraphIndent);
    std::vector<std::string> pending;
    for (const CLI::App* sub : subcommands(command)) {
        pending.push_back(synopsis(*sub));
        if (sub->get_description().empty())
            continue;
        std::string joined;
        for (const std::string& line : pending)
            joined += (joined.empty() ? "" : " | ") + line;
        text += kUsageIndent + joined + "\n" + indented(sub->get_description(), kParagraphIndent);
        pending.clear();
    }
    for (const std::string& line : pending)
        text += kUsageIndent + line + "\n";
    if (!ownFirst)
        text += indented(command.get_description(), kParagraphIndent);
    return text;
}

/// "  LABEL   description (default: X)" for each option, the labels padded to one column.
std::string optionList(const std::vector<const CLI::Option*>& options, bool positional)
{
    size_t width = 0;
    for (const CLI::Option* option : options)
        width = std::max(width, positional ? option->get_name(true).size() : optionLabel(option).size());
    std::string text;
    for (const CLI::Option* option : options) {
        std::string label = positional ? option->get_name(true) : optionLabel(option);
        label.resize(width, ' ');
        std::string description = option->get_description();
        if (!option->get_default_str().empty())
            description += " (default: " + option->get_default_str() + ")";
        text += kUsageIndent + label + "  " + description + "\n";
    }
    return text;
}

std::string programHelp(const CLI::App& app)
{
    std::string text = app.get_description() + "\n\nUsage:\n";
    for (const CLI::App* command : subcommands(app))
        text += usageBlock(*command);
    return text + kUsageIndent + synopsis(app) + "\n\n" + app.get_footer() + "\n";
}

std::string commandHelp(const CLI::App& command)
{
    std::string text = "Usage:\n";
    if (command.get_parent() && !command.get_parent()->get_parent())
        text += usageBlock(command);
    else
        text += kUsageIndent + synopsis(command) + "\n" + indented(sharedDescription(command), kParagraphIndent);
    if (const auto arguments = positionals(command); !arguments.empty())
        text += "\nArguments:\n" + optionList(arguments, true);
    std::vector<const CLI::Option*> options = namedOptions(command);
    if (command.get_help_ptr())
        options.push_back(command.get_help_ptr());
    text += "\nOptions:\n" + optionList(options, false);
    return text;
}

} // namespace

std::string synopsis(const CLI::App& command)
{
    std::string text = commandPath(command);
    if (!command.get_parent()) {
        // The program itself: its flags, one of which is given alone.
        std::string flags;
        for (const CLI::Option* option : command.get_options())
            flags += (flags.empty() ? " " : " | ") + option->get_name();
        return text + flags;
    }
    for (const CLI::Option* argument : positionals(command))
        text += " " + argument->get_name(true);
    for (const CLI::Option* option : namedOptions(command)) {
        const bool needed = option->get_group() == kNeededGroup;
        text += " " + std::string(needed ? "" : "[") + optionLabel(option) + (needed ? "" : "]");
    }
    return text;
}

std::string helpText(const CLI::App& command)
{
    return command.get_parent() ? commandHelp(command) : programHelp(command);
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const
{
    return helpText(*app);
}

} // namespace coinfer::cli
