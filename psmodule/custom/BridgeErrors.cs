// Hand-written (Modifiable; see README.md): the ErrorRecord factory that gives errors the SDK's FullyQualifiedErrorId.
namespace MgBridge
{
    using System;
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
    }
}
