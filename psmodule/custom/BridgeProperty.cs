// Hand-written (Modifiable; see README.md): one row of a generated model's property table.
namespace MgBridge
{
    using System;

    /// <summary>One property of a generated model: its Graph JSON path, kind and accessors.</summary>
    public sealed class BridgeProperty
    {
        public BridgeProperty(string name, string path, BridgeValueKind kind, bool isArray, bool readOnly,
                              Type elementType, Func<BridgeModel> create,
                              Func<BridgeModel, object> get, Action<BridgeModel, object> set)
        {
            Name = name;
            Path = path.Split('.');
            Kind = kind;
            IsArray = isArray;
            ReadOnly = readOnly;
            ElementType = elementType;
            Create = create;
            Get = get;
            Set = set;
        }

        public string Name { get; }
        public string[] Path { get; }
        public BridgeValueKind Kind { get; }
        public bool IsArray { get; }
        public bool ReadOnly { get; }
        /// <summary>The element's .NET type (the interface for models).</summary>
        public Type ElementType { get; }
        /// <summary>For models: a new instance of the element's class.</summary>
        public Func<BridgeModel> Create { get; }
        public Func<BridgeModel, object> Get { get; }
        public Action<BridgeModel, object> Set { get; }
    }
}
