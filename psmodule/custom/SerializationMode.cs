// Hand-written (Modifiable; see README.md): a type of the SDK's runtime namespace that the cmdlet's surface names
// (README.md says why it exists and never runs).
namespace Microsoft.Graph.PowerShell.Runtime
{
    using System;

    /// <summary>Which properties a model's ToJson writes (AutoRest's flags).</summary>
    [Flags]
    public enum SerializationMode
    {
        None = 0,
        IncludeHeaders = 1 << 0,
        IncludeReadOnly = 1 << 1,
        IncludeAll = IncludeHeaders | IncludeReadOnly,
    }
}
