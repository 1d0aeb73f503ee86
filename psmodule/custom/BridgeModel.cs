// Hand-written (Modifiable; see README.md): the base class of the generated model classes.
//
// A generated class (psmodule/generated/Models.cs) declares the SDK's typed
// properties and a table of them (name, Graph JSON path, kind); this base class
// reads and writes Graph's JSON from that table, so the generated code stays
// declarative. Two roles, never mixed in one instance:
//   - output: the created job, read from Graph's JSON (FromJson), with ToJson() /
//     ToJsonString() giving that JSON back (unknown keys in AdditionalProperties,
//     Graph's explicit nulls kept);
//   - input carrier: a caller's hashtable, [ordered] dictionary, PSCustomObject or
//     JSON string bound to a model-typed parameter, carried unchanged to the
//     Python core, which does all binding and validation.
namespace MgBridge
{
    using System;
    using System.Collections.Generic;
    using System.Text.Json;
    using System.Text.Json.Nodes;
    using System.Xml;
    using Microsoft.Graph.PowerShell.Runtime;

    /// <summary>Base of every generated model class (see the file header).</summary>
    public abstract class BridgeModel : IBridgeModel
    {
        private object _raw;
        // Paths (dotted, of known properties or their groups) that Graph sent as null.
        private HashSet<string> _nullPaths;
        private readonly Dictionary<string, object> _additional = new Dictionary<string, object>(StringComparer.Ordinal);

        object IBridgeModel.GetBridgeRaw() => _raw;

        internal void SetRaw(object raw)
        {
            _raw = raw;
        }

        /// <summary>The generated table of this class's properties, in the spec's order.</summary>
        protected abstract BridgeProperty[] BridgeProperties { get; }

        /// <summary>Keys of Graph's JSON that this model does not declare, with their exact spelling.</summary>
        /// <remarks>A key inside a flattened group (schedule.foo) is kept under its group's key.</remarks>
        public IDictionary<string, object> AdditionalProperties => _additional;

        // ------------------------------------------------------------------ reading

        /// <summary>Fill this instance from a Graph JSON object.</summary>
        public void ReadJson(JsonElement json)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"{GetType().Name}: expected a JSON object, got {json.ValueKind}.");
            }
            ReadObject(json, new List<string>());
        }

        private void ReadObject(JsonElement json, List<string> prefix)
        {
            foreach (JsonProperty member in json.EnumerateObject())
            {
                prefix.Add(member.Name);
                string dotted = string.Join(".", prefix);
                BridgeProperty leaf = Find(prefix);
                bool isGroup = leaf == null && IsGroup(prefix);
                if (leaf != null)
                {
                    if (member.Value.ValueKind == JsonValueKind.Null)
                    {
                        leaf.Set(this, null);
                        NullPaths.Add(dotted);
                    }
                    else if (TryRead(member.Value, leaf, out object value))
                    {
                        leaf.Set(this, value);
                    }
                    else
                    {
                        // A value Graph sent that does not fit the declared type stays as sent.
                        AddAdditional(prefix, BridgeJsonValue.ToDotNet(member.Value));
                    }
                }
                else if (isGroup && member.Value.ValueKind == JsonValueKind.Object)
                {
                    ReadObject(member.Value, prefix);
                }
                else if (isGroup && member.Value.ValueKind == JsonValueKind.Null)
                {
                    NullPaths.Add(dotted);
                }
                else
                {
                    AddAdditional(prefix, BridgeJsonValue.ToDotNet(member.Value));
                }
                prefix.RemoveAt(prefix.Count - 1);
            }
        }

        private HashSet<string> NullPaths => _nullPaths ?? (_nullPaths = new HashSet<string>(StringComparer.Ordinal));

        private BridgeProperty Find(List<string> path)
        {
            foreach (BridgeProperty p in BridgeProperties)
            {
                if (p.Path.Length == path.Count && StartsWith(p.Path, path))
                {
                    return p;
                }
            }
            return null;
        }

        private bool IsGroup(List<string> path)
        {
            foreach (BridgeProperty p in BridgeProperties)
            {
                if (p.Path.Length > path.Count && StartsWith(p.Path, path))
                {
                    return true;
                }
            }
            return false;
        }

        private static bool StartsWith(string[] path, List<string> prefix)
        {
            for (int i = 0; i < prefix.Count; i++)
            {
                if (!string.Equals(path[i], prefix[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }

        private void AddAdditional(List<string> path, object value)
        {
            IDictionary<string, object> target = _additional;
            for (int i = 0; i < path.Count - 1; i++)
            {
                if (!(target.TryGetValue(path[i], out object inner) && inner is IDictionary<string, object> next))
                {
                    next = new Dictionary<string, object>(StringComparer.Ordinal);
                    target[path[i]] = next;
                }
                target = next;
            }
            target[path[path.Count - 1]] = value;
        }

        private static bool TryRead(JsonElement json, BridgeProperty property, out object value)
        {
            value = null;
            if (!property.IsArray)
            {
                return TryReadScalar(json, property, out value);
            }
            if (json.ValueKind != JsonValueKind.Array)
            {
                return false;
            }
            var items = Array.CreateInstance(property.ElementType, json.GetArrayLength());
            int index = 0;
            foreach (JsonElement item in json.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Null)
                {
                    index++;
                    continue;
                }
                if (!TryReadScalar(item, property, out object one))
                {
                    return false;
                }
                items.SetValue(one, index++);
            }
            value = items;
            return true;
        }

        private static bool TryReadScalar(JsonElement json, BridgeProperty property, out object value)
        {
            value = null;
            switch (property.Kind)
            {
                case BridgeValueKind.String:
                    if (json.ValueKind != JsonValueKind.String)
                    {
                        return false;
                    }
                    value = json.GetString();
                    return true;
                case BridgeValueKind.Boolean:
                    if (json.ValueKind != JsonValueKind.True && json.ValueKind != JsonValueKind.False)
                    {
                        return false;
                    }
                    value = json.GetBoolean();
                    return true;
                case BridgeValueKind.Int32:
                    if (json.ValueKind != JsonValueKind.Number || !json.TryGetInt32(out int i32))
                    {
                        return false;
                    }
                    value = i32;
                    return true;
                case BridgeValueKind.Int64:
                    if (json.ValueKind != JsonValueKind.Number || !json.TryGetInt64(out long i64))
                    {
                        return false;
                    }
                    value = i64;
                    return true;
                case BridgeValueKind.DateTime:
                    if (json.ValueKind != JsonValueKind.String || !BridgeJsonValue.TryParseDateTime(json.GetString(), out DateTime dt))
                    {
                        return false;
                    }
                    value = dt;
                    return true;
                case BridgeValueKind.TimeSpan:
                    if (json.ValueKind != JsonValueKind.String)
                    {
                        return false;
                    }
                    try
                    {
                        value = XmlConvert.ToTimeSpan(json.GetString());
                        return true;
                    }
                    catch (FormatException)
                    {
                        return false;
                    }
                    catch (OverflowException)
                    {
                        return false;
                    }
                case BridgeValueKind.Model:
                    if (json.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }
                    BridgeModel model = property.Create();
                    model.ReadJson(json);
                    value = model;
                    return true;
                default:
                    return false;
            }
        }

        // ------------------------------------------------------------------ writing

        /// <summary>Graph's JSON of this object (null properties left out, Graph's explicit nulls kept).</summary>
        public JsonNode ToJson()
        {
            return ToJson(null, SerializationMode.IncludeAll);
        }

        /// <summary>As the SDK's ToJson(container, mode): into <paramref name="container"/> when given.</summary>
        /// <remarks>Without IncludeReadOnly, read-only properties (Id, SchemaId) are left out.</remarks>
        public JsonNode ToJson(JsonObject container, SerializationMode serializationMode)
        {
            if (_raw != null)
            {
                // An input carrier: the caller's value as given (the core binds it).
                JsonNode carried = JsonNode.Parse(_raw is string s ? s : BridgeJson.Encode(_raw));
                if (container != null && carried is JsonObject carriedObject)
                {
                    Merge(container, carriedObject);
                    return container;
                }
                return carried;
            }
            JsonObject root = container ?? new JsonObject();
            bool readOnly = serializationMode.HasFlag(SerializationMode.IncludeReadOnly);
            foreach (BridgeProperty p in BridgeProperties)
            {
                if (p.ReadOnly && !readOnly)
                {
                    continue;
                }
                object value = p.Get(this);
                if (value == null)
                {
                    continue;
                }
                Parent(root, p.Path, p.Path.Length - 1)[p.Path[p.Path.Length - 1]] = WriteValue(value, p, serializationMode);
            }
            if (_nullPaths != null)
            {
                foreach (string dotted in _nullPaths)
                {
                    string[] path = dotted.Split('.');
                    JsonObject parent = Parent(root, path, path.Length - 1);
                    if (!parent.ContainsKey(path[path.Length - 1]))
                    {
                        parent[path[path.Length - 1]] = null;
                    }
                }
            }
            foreach (KeyValuePair<string, object> entry in _additional)
            {
                JsonNode node = BridgeJsonValue.ToNode(entry.Value);
                if (root[entry.Key] is JsonObject existing && node is JsonObject extra)
                {
                    Merge(existing, extra);
                }
                else if (!root.ContainsKey(entry.Key))
                {
                    root[entry.Key] = node;
                }
            }
            return root;
        }

        /// <summary>Graph's JSON of this object as indented text.</summary>
        public string ToJsonString()
        {
            return ToJson()?.ToJsonString(BridgeJsonValue.Indented);
        }

        /// <summary>A carrier: the caller's value as JSON; an output object: its class name,
        /// which is what Format-List shows for a nested model (ToJsonString() gives its JSON).</summary>
        public override string ToString()
        {
            return _raw is string s ? s : (_raw != null ? BridgeJson.Encode(_raw) : GetType().FullName);
        }

        private static JsonObject Parent(JsonObject root, string[] path, int depth)
        {
            JsonObject current = root;
            for (int i = 0; i < depth; i++)
            {
                if (!(current[path[i]] is JsonObject next))
                {
                    next = new JsonObject();
                    current[path[i]] = next;
                }
                current = next;
            }
            return current;
        }

        private static void Merge(JsonObject target, JsonObject extra)
        {
            foreach (KeyValuePair<string, JsonNode> entry in new List<KeyValuePair<string, JsonNode>>(extra))
            {
                JsonNode node = entry.Value?.DeepClone();
                if (target[entry.Key] is JsonObject existing && node is JsonObject inner)
                {
                    Merge(existing, inner);
                }
                else if (!target.ContainsKey(entry.Key))
                {
                    target[entry.Key] = node;
                }
            }
        }

        private static JsonNode WriteValue(object value, BridgeProperty property, SerializationMode mode)
        {
            if (property.IsArray && value is Array items)
            {
                var array = new JsonArray();
                foreach (object item in items)
                {
                    array.Add(item == null ? null : WriteScalar(item, property, mode));
                }
                return array;
            }
            return WriteScalar(value, property, mode);
        }

        private static JsonNode WriteScalar(object value, BridgeProperty property, SerializationMode mode)
        {
            switch (value)
            {
                case BridgeModel model:
                    return model.ToJson(null, mode);
                case DateTime dt:
                    return JsonValue.Create(BridgeJsonValue.FormatDateTime(dt));
                case TimeSpan ts:
                    return JsonValue.Create(XmlConvert.ToString(ts));
                default:
                    return BridgeJsonValue.ToNode(value);
            }
        }

        // ------------------------------------------------------------------ factories

        /// <summary>A model of type <typeparamref name="T"/> read from Graph's JSON text.</summary>
        public static T FromJsonString<T>(string json) where T : BridgeModel, new()
        {
            using (var document = JsonDocument.Parse(json))
            {
                var model = new T();
                model.ReadJson(document.RootElement);
                return model;
            }
        }

        /// <summary>A model of type <typeparamref name="T"/> read from a JSON node.</summary>
        public static T FromJsonNode<T>(JsonNode node) where T : BridgeModel, new()
        {
            return node == null ? null : FromJsonString<T>(node.ToJsonString());
        }
    }
}
