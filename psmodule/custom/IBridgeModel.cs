// Hand-written (Modifiable; see README.md): what every model-typed parameter value is (see BridgeModel.cs).
namespace MgBridge
{
    /// <summary>A value bound to a Microsoft.Graph.PowerShell.Models parameter type.</summary>
    public interface IBridgeModel
    {
        /// <summary>The caller's value exactly as given (input carriers); null for output objects.</summary>
        /// <remarks>A method, not a property: Format-List shows every property of a model.</remarks>
        object GetBridgeRaw();
    }
}
