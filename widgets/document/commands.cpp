#include "widgets/document/commands.h"

#include "widgets/document/scenariodocument.h"

namespace coinfer {

EditUserCommand::EditUserCommand(ScenarioDocument* document, int row, int field, const User& after, const QString& text)
    : QUndoCommand(text), m_document(document), m_row(row), m_field(field)
    , m_before(document->scenario().users[static_cast<size_t>(row)]), m_after(after)
{
}

void EditUserCommand::undo() { m_document->setUser(m_row, m_before); }
void EditUserCommand::redo() { m_document->setUser(m_row, m_after); }

bool EditUserCommand::mergeWith(const QUndoCommand* other)
{
    const auto* edit = static_cast<const EditUserCommand*>(other);
    if (edit->m_row != m_row || edit->m_field != m_field)
        return false;
    m_after = edit->m_after; // dragging or retyping one cell is one undo step
    return true;
}

InsertRemoveUsersCommand::InsertRemoveUsersCommand(ScenarioDocument* document, std::vector<std::pair<int, User>> rows, bool remove,
                                                   const QString& text)
    : QUndoCommand(text), m_document(document), m_rows(std::move(rows)), m_remove(remove)
{
}

void InsertRemoveUsersCommand::insertAll()
{
    for (const auto& [row, user] : m_rows)
        m_document->insertUser(row, user);
}

void InsertRemoveUsersCommand::removeAll()
{
    for (auto it = m_rows.rbegin(); it != m_rows.rend(); ++it)
        m_document->removeUser(it->first);
}

void InsertRemoveUsersCommand::undo() { m_remove ? insertAll() : removeAll(); }
void InsertRemoveUsersCommand::redo() { m_remove ? removeAll() : insertAll(); }

ReplaceScenarioCommand::ReplaceScenarioCommand(ScenarioDocument* document, Scenario after, const QString& text)
    : QUndoCommand(text), m_document(document), m_before(document->scenario()), m_after(std::move(after))
{
}

void ReplaceScenarioCommand::undo() { m_document->setScenario(m_before); }
void ReplaceScenarioCommand::redo() { m_document->setScenario(m_after); }

} // namespace coinfer
