// Hand-written (Modifiable; see README.md): the ErrorRecord factory that gives errors the SDK's FullyQualifiedErrorId.
namespace MgBridge
{
    using System;
    using System.Collections.Generic;
    using System.Globalization;
    using System.Management.Automation;
    using System.Reflection;

    /// <summary>Builds ErrorRecords whose FullyQualifiedErrorId is exactly the SDK's.</summary>
    public static class BridgeErrors
    {
        private static readonly FieldInfo SerializedId = typeof(ErrorRecord).GetField(
            "_serializedFullyQualifiedErrorId", BindingFlags.Instance | BindingFlags.NonPublic);

        /// <summary>
        /// A record whose FullyQualifiedErrorId is <paramref name="fullyQualifiedErrorId"/>.
        /// PowerShell appends ",<function name>" to the ids of errors a script function
        /// writes; the SDK's compiled cmdlets get ",<cmdlet class>" instead. The record keeps
        /// the SDK's id the way deserialized (remoting) records keep theirs; if a future
        /// PowerShell renames that field, the id falls back to PowerShell's own form.
        /// </summary>
        public static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category,
                                         object target, string fullyQualifiedErrorId)
        {
            var record = new ErrorRecord(exception, errorId, category, target);
            if (!string.IsNullOrEmpty(fullyQualifiedErrorId) && SerializedId != null)
            {
                SerializedId.SetValue(record, fullyQualifiedErrorId);
            }
            return record;
        }

        /// <summary>
        /// The ErrorRecord of an error the core reported (a response's 'error' object): its
        /// errorId and category are the core's (bridge/protocol/_errors.py, the one table;
        /// nothing is interpreted here), its exception a <see cref="BridgeException"/> carrying
        /// every field, its target the key path or parameter at fault. With
        /// <paramref name="parameterSet"/> (New-MgApplicationSynchronizationJob) the
        /// FullyQualifiedErrorId is the SDK's
        /// '&lt;errorId&gt;,Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_&lt;Set&gt;'.
        /// A Graph error's details show its status, code and request ids, as the SDK's do; a
        /// binding error's recommend what to give.
        /// </summary>
        /// <param name="error">The 'error' object of a decoded response.</param>
        /// <param name="parameterSet">The cmdlet's parameter set, or null.</param>
        public static ErrorRecord FromCore(object error, string parameterSet)
        {
            var field = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            if (error != null)
            {
                foreach (PSPropertyInfo property in PSObject.AsPSObject(error).Properties)
                {
                    field[property.Name] = property.Value;
                }
            }
            string Text(string name) => field.TryGetValue(name, out object value) && value != null
                ? LanguagePrimitives.ConvertTo<string>(value) : null;
            var exception = new BridgeException(Text("message") ?? "")
            {
                ErrorType = Text("type"),
                ErrorId = Text("errorId"),
                Code = Text("code"),
                Status = field.TryGetValue("status", out object status) && status != null
                    ? LanguagePrimitives.ConvertTo<int>(status) : (int?)null,
                RequestId = Text("requestId"),
                ClientRequestId = Text("clientRequestId"),
                Date = Text("date"),
                Parameter = Text("parameter"),
                Path = Text("path"),
                Expected = Text("expected"),
            };
            if (!Enum.TryParse(Text("category") ?? "", true, out ErrorCategory category))
            {
                category = ErrorCategory.NotSpecified;
            }
            string errorId = string.IsNullOrEmpty(exception.ErrorId) ? "BridgeError" : exception.ErrorId;
            string fullyQualifiedErrorId = string.IsNullOrEmpty(parameterSet) ? null
                : errorId + ",Microsoft.Graph.PowerShell.Cmdlets.NewMgApplicationSynchronizationJob_" + parameterSet;
            object target = !string.IsNullOrEmpty(exception.Path) ? exception.Path
                : !string.IsNullOrEmpty(exception.Parameter) ? exception.Parameter : null;
            ErrorRecord record = Create(exception, errorId, category, target, fullyQualifiedErrorId);
            if (!string.IsNullOrEmpty(exception.Expected))
            {
                record.ErrorDetails = new ErrorDetails(exception.Message)
                {
                    RecommendedAction = "Give " + exception.Expected + ".",
                };
            }
            if (exception.Status.HasValue && exception.Status.Value != 0)
            {
                string details = string.Format(CultureInfo.InvariantCulture, "{0}\n\nStatus: {1}\nErrorCode: {2}",
                    exception.Message, exception.Status, exception.Code);
                if (!string.IsNullOrEmpty(exception.RequestId))
                {
                    details += "\nrequest-id: " + exception.RequestId;
                }
                if (!string.IsNullOrEmpty(exception.ClientRequestId))
                {
                    details += "\nclient-request-id: " + exception.ClientRequestId;
                }
                if (!string.IsNullOrEmpty(exception.Date))
                {
                    details += "\nDate: " + exception.Date;
                }
                record.ErrorDetails = new ErrorDetails(details);
            }
            return record;
        }
    }
}
