#include "widgets/document/usertablemodel.h"

#include "core/io/scenarioform.h"
#include "core/io/scenarioio.h"
#include "core/model/population.h"
#include "core/util/expected.h"
#include "core/util/random.h"
#include "widgets/document/commands.h"
#include "widgets/document/scenariodocument.h"

#include <QByteArray>
#include <QColor>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <string>

namespace coinfer {

UserTableModel::UserTableModel(ScenarioDocument* document, QObject* parent) : QAbstractTableModel(parent), m_document(document)
{
    connect(document, &ScenarioDocument::scenarioReset, this, [this] {
        beginResetModel();
        m_infeasible.clear(); // rows no longer mean the same users
        endResetModel();
    });
    connect(document, &ScenarioDocument::userChanged, this,
            [this](int row) { emit dataChanged(index(row, 0), index(row, ColumnCount - 1)); });
    connect(document, &ScenarioDocument::userInserted, this, [this](int row) {
        beginInsertRows({}, row, row);
        endInsertRows();
    });
    connect(document, &ScenarioDocument::userRemoved, this, [this](int row) {
        beginRemoveRows({}, row, row);
        endRemoveRows();
    });
    // A bulk edit prepared for the scenario as it was is never pushed onto another one.
    connect(document, &ScenarioDocument::edited, this, [this] {
        m_bulkEdit.abandon(
            Error{ErrorCode::BadInput, tr("The scenario changed while the bulk edit was prepared: edit again.").toStdString()});
    });
    connect(&m_bulkEdit, &BackgroundJob::finished, this, &UserTableModel::bulkEditPrepared);
}

int UserTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_document->scenario().userCount();
}

int UserTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    if (role == Qt::BackgroundRole || role == Qt::ToolTipRole) {
        const auto marked = m_infeasible.find(index.row());
        if (marked == m_infeasible.end())
            return {};
        if (role == Qt::BackgroundRole)
            return m_infeasibleBackground;
        const UserFeasibility& f = marked->second;
        return tr("Cannot meet its deadline under any plan.\nAll on the phone: %1 ms\nFastest offloading (partition %2, GPU to "
                  "itself): %3 ms\nDeadline: %4 ms")
            .arg(f.localOnlyMs, 0, 'g', 5)
            .arg(f.fastestOffloadPartition)
            .arg(std::isfinite(f.fastestOffloadMs) ? QString::number(f.fastestOffloadMs, 'g', 5) : tr("none"))
            .arg(f.deadlineMs, 0, 'g', 5);
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    const User& user = m_document->scenario().users[static_cast<size_t>(index.row())];
    switch (index.column()) {
    case Id:
        return QString::fromStdString(user.id);
    case DeviceClass:
        return QString::fromStdString(user.deviceClass);
    case DeadlineMs:
        return user.deadlineMs;
    case UplinkRateMbps:
        return user.uplinkRateMbps;
    case TxPowerW:
        return user.txPowerW;
    case LocalEnergyMj:
        return std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.end(), 0.0);
    default:
        return {};
    }
}

QVariant UserTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case Id:
        return tr("User");
    case DeviceClass:
        return tr("Device class");
    case DeadlineMs:
        return tr("Deadline (ms)");
    case UplinkRateMbps:
        return tr("Uplink (Mbps)");
    case TxPowerW:
        return tr("Tx power (W)");
    case LocalEnergyMj:
        return tr("Local energy (mJ)");
    default:
        return {};
    }
}

Qt::ItemFlags UserTableModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.column() == Id || index.column() == DeadlineMs || index.column() == UplinkRateMbps || index.column() == TxPowerW)
        flags |= Qt::ItemIsEditable;
    return flags;
}

namespace {

/// Applies @p value to @p column of @p user; false when the value is not acceptable.
bool applyField(User& user, int column, const QVariant& value)
{
    if (column == UserTableModel::Id) {
        const QString id = value.toString().trimmed();
        if (id.isEmpty() || static_cast<size_t>(id.toUtf8().size()) > kMaxIdBytes) // the file readers' limit
            return false;
        user.id = id.toStdString();
        return true;
    }
    bool ok = false;
    const double number = value.toDouble(&ok);
    if (!ok || !std::isfinite(number) || number <= 0)
        return false;
    switch (column) {
    case UserTableModel::DeadlineMs:
        user.deadlineMs = number;
        return true;
    case UserTableModel::UplinkRateMbps:
        user.uplinkRateMbps = number;
        return true;
    case UserTableModel::TxPowerW:
        user.txPowerW = number;
        return true;
    default:
        return false;
    }
}

} // namespace

bool UserTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || role != Qt::EditRole)
        return false;
    return setColumnForRows({index.row()}, index.column(), value);
}

bool UserTableModel::setColumnForRows(const QList<int>& rows, int column, const QVariant& value)
{
    const auto& users = m_document->scenario().users;
    if (column == Id) {
        if (rows.size() != 1)
            return false;
        const std::string id = value.toString().trimmed().toStdString();
        for (size_t m = 0; m < users.size(); ++m)
            if (static_cast<int>(m) != rows.front() && users[m].id == id)
                return false; // ids stay unique
    }
    std::vector<std::pair<int, User>> changed;
    for (int row : rows) {
        User user = users[static_cast<size_t>(row)];
        if (!applyField(user, column, value))
            return false;
        changed.emplace_back(row, user);
    }
    pushEdits(std::move(changed), column);
    return true;
}

bool UserTableModel::scaleColumnForRows(const QList<int>& rows, int column, double factor)
{
    if ((column != DeadlineMs && column != UplinkRateMbps && column != TxPowerW) || !(factor > 0) || !std::isfinite(factor))
        return false;
    const auto& users = m_document->scenario().users;
    std::vector<std::pair<int, User>> changed;
    for (int row : rows) {
        User user = users[static_cast<size_t>(row)];
        if (!applyField(user, column, data(index(row, column), Qt::EditRole).toDouble() * factor))
            return false;
        changed.emplace_back(row, user);
    }
    pushEdits(std::move(changed), column);
    return true;
}

void UserTableModel::pushEdits(std::vector<std::pair<int, User>> changed, int column)
{
    if (changed.empty())
        return;
    const QString text = tr("Edit %1").arg(headerData(column, Qt::Horizontal).toString());
    if (changed.size() == 1) {
        m_document->undoStack()->push(new EditUserCommand(m_document, changed[0].first, column, changed[0].second, text));
        return;
    }
    if (changed.size() > EditUsersCommand::kRowsForOneFormChange && m_document->scenario().userCount() >= kUsersForWorker) {
        pushBulkEditFromWorker(std::move(changed), text);
        return;
    }
    // One command whose redo and undo are each one table reset and one "edited" when the rows
    // are many (EditUsersCommand): undoing a bulk edit costs what doing it cost.
    m_document->undoStack()->push(new EditUsersCommand(m_document, changed, text));
}

void UserTableModel::pushBulkEditFromWorker(std::vector<std::pair<int, User>> changed, const QString& text)
{
    // One bulk edit is prepared at a time: the one before was made for the scenario without this
    // edit, so it is dropped, and said so.
    m_bulkEdit.abandon(
        Error{ErrorCode::BadInput, tr("Another bulk edit replaced this one before it was prepared: edit again.").toStdString()});
    m_bulkEditText = text;
    // The worker has its own copies of the scenario and the form; only the result comes back.
    m_bulkEdit.start([form = m_document->form(), scenario = m_document->scenario(),
                      rows = std::move(changed)](auto&) mutable -> Expected<PreparedBulkEdit> {
        return prepareBulkEdit(form, scenario, std::move(rows));
    });
}

void UserTableModel::bulkEditPrepared()
{
    Expected<PreparedBulkEdit> prepared = m_bulkEdit.takeResult();
    if (!prepared) {
        emit bulkEditDropped(m_bulkEdit.errorString());
        return;
    }
    // Taken, not copied: 5,000 users' before and after copied here cost 45 ms at 10,000 users.
    m_document->undoStack()->push(new EditUsersCommand(m_document, std::move(*prepared), m_bulkEditText));
    emit bulkEditApplied();
}

bool UserTableModel::addUser(int templateRow)
{
    const Scenario& scenario = m_document->scenario();
    const auto& users = scenario.users;
    User user;
    if (templateRow >= 0 && templateRow < static_cast<int>(users.size())) {
        user = users[static_cast<size_t>(templateRow)];
    } else if (!users.empty()) {
        user = users.back();
    } else if (m_lastRemoved && m_lastRemoved->localLatencyMs.size() == static_cast<size_t>(scenario.dnn.subtaskCount())) {
        user = *m_lastRemoved;
    } else if (!scenario.deviceClasses.empty()) {
        PopulationSpec spec;
        spec.count = 1;
        spec.idPrefix = "user";
        spec.byDistance = scenario.hasChannel;
        spec.deadlineMs = Distribution{0, 0, {200}};
        spec.distanceM = Distribution{50, 50, {}};
        spec.uplinkRateMbps = Distribution{20, 20, {}};
        spec.deviceMix.emplace_back(scenario.deviceClasses.front().name, 1.0);
        std::vector<User> drawn;
        generatePopulation(spec, scenario.deviceClasses, scenario.hasChannel ? &scenario.channel : nullptr, scenario.dnn, drawn);
        if (drawn.empty())
            return false;
        user = drawn.front();
    } else {
        return false; // no user and no device class: no device tables to take
    }
    int suffix = static_cast<int>(users.size()) + 1;
    auto taken = [&](const std::string& id) {
        return std::any_of(users.begin(), users.end(), [&](const User& u) { return u.id == id; });
    };
    while (taken("user" + std::to_string(suffix)))
        ++suffix;
    user.id = "user" + std::to_string(suffix);
    m_document->undoStack()->push(
        new InsertRemoveUsersCommand(m_document, {{static_cast<int>(users.size()), user}}, false, tr("Add user")));
    return true;
}

void UserTableModel::setInfeasibleUsers(const std::vector<UserFeasibility>& infeasible)
{
    std::unordered_map<int, UserFeasibility> marked;
    for (const UserFeasibility& f : infeasible)
        if (f.user >= 0 && f.user < rowCount())
            marked.emplace(f.user, f);
    if (marked.empty() && m_infeasible.empty())
        return;
    m_infeasible = std::move(marked);
    if (rowCount() > 0) // one signal for the whole table, not one per row
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {Qt::BackgroundRole, Qt::ToolTipRole});
}

void UserTableModel::removeUsers(QList<int> rows)
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    std::vector<std::pair<int, User>> removed;
    for (int row : rows)
        removed.emplace_back(row, m_document->scenario().users[static_cast<size_t>(row)]);
    if (!removed.empty())
        m_lastRemoved = removed.back().second;
    if (!removed.empty())
        m_document->undoStack()->push(new InsertRemoveUsersCommand(
            m_document, std::move(removed), true, tr("Remove %n user(s)", nullptr, static_cast<int>(rows.size()))));
}

} // namespace coinfer

#include "moc_usertablemodel.cpp"
