// Hand-written (Modifiable; see README.md): the kinds of the generated models' property tables.
namespace MgBridge
{
    /// <summary>The .NET type of a model property, as the spec names it.</summary>
    public enum BridgeValueKind
    {
        String,
        Boolean,
        Int32,
        Int64,
        DateTime,
        TimeSpan,
        Model,
    }
}
