// Hand-written (Modifiable; see README.md): the bridge protocol's JSON codec: tagged TimeSpan/DateTime so nothing is lost on the way
// to the Python core, and model objects back as the generated types.
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Collections.Concurrent;
    using System.Collections.Generic;
    using System.Collections.Specialized;
    using System.Globalization;
    using System.IO;
    using System.Management.Automation;
    using System.Text;
    using System.Text.Json;
    using System.Threading;

    /// <summary>The protocol's JSON codec (see docs/protocol.md, "Values").</summary>
    public static class BridgeJson
    {
        public const string Tag = "@mgbridge.type";
        public const string TypeNames = "@mgbridge.typeNames";
        public const string DefaultDisplay = "@mgbridge.defaultDisplay";
        // Deeper than the core's binding limit (bridge/_binding.py MAX_DEPTH, 100), so the core
        // refuses deep or self-referring input with a BindingError naming the key path.
        private const int MaxDepth = 200;

        /// <summary>Encode a PowerShell value as protocol JSON (one line, UTF-8 safe).</summary>
        public static string Encode(object value)
        {
            using (var stream = new MemoryStream())
            {
                var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
                using (var writer = new Utf8JsonWriter(stream, options))
                {
                    Write(writer, value, 0);
                }
                return Encoding.UTF8.GetString(stream.ToArray());
            }
        }

        private static void WriteText(Utf8JsonWriter w, string s)
        {
            // The writer would replace a lone UTF-16 surrogate with U+FFFD (altered data, sent
            // silently); JSON's \uXXXX escape carries it to the core, which refuses it.
            if (!HasLoneSurrogate(s))
            {
                w.WriteStringValue(s);
                return;
            }
            var text = new StringBuilder(s.Length + 16).Append('"');
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { text.Append(c).Append(s[++i]); }
                else if (c == '"' || c == '\\') { text.Append('\\').Append(c); }
                else if (c < ' ' || char.IsSurrogate(c)) { text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); }
                else { text.Append(c); }
            }
            w.WriteRawValue(text.Append('"').ToString(), skipInputValidation: true);
        }

        private static bool HasLoneSurrogate(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
                if (char.IsSurrogate(s[i])) { return true; }
            }
            return false;
        }

        private static void WriteEntry(Utf8JsonWriter w, string name, object value, int depth)
        {
            // A property name cannot carry the escape; the writer would send U+FFFD instead. So
            // the entry's value becomes a tag the core refuses (a BindingError at its key path).
            w.WritePropertyName(name);
            if (HasLoneSurrogate(name))
            {
                WriteRefused(w, "a key with a lone UTF-16 surrogate (it has no UTF-8 form)");
                return;
            }
            Write(w, value, depth);
        }

        private static void WriteRefused(Utf8JsonWriter w, string what)
        {
            w.WriteStartObject();
            w.WriteString(Tag, "Unsupported");
            w.WriteString("type", what);
            w.WriteString("text", "");
            w.WriteEndObject();
        }

        private static void WriteTagged(Utf8JsonWriter w, string tag, string key, string value)
        {
            w.WriteStartObject();
            w.WriteString(Tag, tag);
            w.WriteString(key, value);
            w.WriteEndObject();
        }

        private static void WriteUnsupported(Utf8JsonWriter w, object value)
        {
            string text;
            try
            {
                text = value is System.Security.SecureString ? "" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }
            catch (Exception)
            {
                text = "";
            }
            if (text.Length > 200)
            {
                text = text.Substring(0, 200) + "...";
            }
            w.WriteStartObject();
            w.WriteString(Tag, "Unsupported");
            w.WriteString("type", value.GetType().FullName);
            w.WriteString("text", text);
            w.WriteEndObject();
        }

        private static void Write(Utf8JsonWriter w, object value, int depth)
        {
            if (depth > MaxDepth)
            {
                // Never a terminating exception here (it would stop the whole pipeline): a tag
                // the core refuses like any value it cannot send.
                WriteRefused(w, "a value nested more than " + MaxDepth + " levels deep (does it refer to itself?)");
                return;
            }
            if (value is PSObject ps)
            {
                if (ps.BaseObject is PSCustomObject)
                {
                    w.WriteStartObject();
                    foreach (var property in ps.Properties)
                    {
                        if (property.MemberType != PSMemberTypes.NoteProperty && property.MemberType != PSMemberTypes.Property)
                        {
                            continue;
                        }
                        WriteEntry(w, property.Name, property.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                }
                value = ps.BaseObject;
            }
            switch (value)
            {
                case null:
                    w.WriteNullValue();
                    return;
                case DBNull _:
                    w.WriteNullValue();
                    return;
                case string s:
                    WriteText(w, s);
                    return;
                case char c:
                    w.WriteStringValue(c.ToString());
                    return;
                case bool b:
                    w.WriteBooleanValue(b);
                    return;
                case SwitchParameter sw:
                    w.WriteBooleanValue(sw.IsPresent);
                    return;
                case int i:
                    w.WriteNumberValue(i);
                    return;
                case long l:
                    w.WriteNumberValue(l);
                    return;
                case short sh:
                    w.WriteNumberValue(sh);
                    return;
                case byte by:
                    w.WriteNumberValue(by);
                    return;
                case sbyte sb:
                    w.WriteNumberValue(sb);
                    return;
                case ushort us:
                    w.WriteNumberValue(us);
                    return;
                case uint ui:
                    w.WriteNumberValue(ui);
                    return;
                case ulong ul:
                    w.WriteNumberValue(ul);
                    return;
                case decimal m:
                    w.WriteNumberValue(m);
                    return;
                case double d:
                    if (double.IsNaN(d) || double.IsInfinity(d))
                    {
                        WriteTagged(w, "Double", "value", double.IsNaN(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
                    }
                    else
                    {
                        w.WriteNumberValue(d);
                    }
                    return;
                case float f:
                    if (float.IsNaN(f) || float.IsInfinity(f))
                    {
                        WriteTagged(w, "Double", "value", float.IsNaN(f) ? "NaN" : (f > 0 ? "Infinity" : "-Infinity"));
                    }
                    else
                    {
                        w.WriteNumberValue((double)f);
                    }
                    return;
                case System.Numerics.BigInteger big:
                    w.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                    return;
                case DateTime dt:
                    w.WriteStartObject();
                    w.WriteString(Tag, "DateTime");
                    w.WriteString("value", dt.ToString("o", CultureInfo.InvariantCulture));
                    w.WriteString("kind", dt.Kind.ToString());
                    w.WriteEndObject();
                    return;
                case DateTimeOffset dto:
                    WriteTagged(w, "DateTimeOffset", "value", dto.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case TimeSpan ts:
                    w.WriteStartObject();
                    w.WriteString(Tag, "TimeSpan");
                    w.WriteNumber("ticks", ts.Ticks);
                    w.WriteEndObject();
                    return;
                case Guid g:
                    w.WriteStringValue(g.ToString());
                    return;
                case Uri u:
                    w.WriteStringValue(u.OriginalString);
                    return;
                case Enum e:
                    w.WriteStringValue(e.ToString());
                    return;
                case IBridgeModel model:
                    if (model.GetBridgeRaw() != null)
                    {
                        Write(w, model.GetBridgeRaw(), depth + 1);
                    }
                    else
                    {
                        // An output object given back (the pipeline's job): its Graph JSON.
                        w.WriteRawValue(((BridgeModel)model).ToJson().ToJsonString());
                    }
                    return;
                case PSCredential credential:
                    // Only -ProxyCredential takes one; the password travels inside the
                    // message (stdin or in-process), never in arguments or the environment.
                    w.WriteStartObject();
                    w.WriteString(Tag, "Credential");
                    w.WriteString("userName", credential.UserName);
                    w.WriteString("password", credential.GetNetworkCredential().Password);
                    w.WriteEndObject();
                    return;
                case IDictionary dict:
                    w.WriteStartObject();
                    foreach (DictionaryEntry entry in dict)
                    {
                        object key = entry.Key is PSObject kp ? kp.BaseObject : entry.Key;
                        WriteEntry(w, Convert.ToString(key, CultureInfo.InvariantCulture) ?? "", entry.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case System.Security.SecureString _:
                    WriteUnsupported(w, value);
                    return;
                case IEnumerable list:
                    w.WriteStartArray();
                    foreach (object item in list)
                    {
                        Write(w, item, depth + 1);
                    }
                    w.WriteEndArray();
                    return;
                default:
                    WriteUnsupported(w, value);
                    return;
            }
        }

        /// <summary>
        /// A copy of a message's args with SecureStrings as text: at the top level, and in a
        /// nested "environ" dictionary. The original (possibly the replay journal) keeps its
        /// SecureStrings. In C# because it runs on every command's first call, where each
        /// PowerShell step pays its first-time cost (docs/performance.md).
        /// </summary>
        public static IDictionary PlainArguments(IDictionary arguments)
        {
            var plain = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in arguments)
            {
                object value = entry.Value;
                object bare = value is PSObject wrapped ? wrapped.BaseObject : value;
                if (bare is System.Security.SecureString secret)
                {
                    value = new System.Net.NetworkCredential(string.Empty, secret).Password;
                }
                else if (bare is OrderedDictionary nested && string.Equals(
                    Convert.ToString(entry.Key, CultureInfo.InvariantCulture), "environ", StringComparison.OrdinalIgnoreCase))
                {
                    value = PlainArguments(nested);
                }
                plain[entry.Key] = value;
            }
            return plain;
        }

        /// <summary>
        /// Run Encode and Decode once on a thread-pool thread, so that their first real use
        /// (the first call into the core) does not wait for the JIT (~70 ms here).
        /// </summary>
        public static void PrepareInBackground()
        {
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    var sample = new OrderedDictionary { { "v", 1 }, { "id", 0L }, { "op", "hello" },
                        { "args", new Hashtable { { "name", "x" }, { "flag", true } } } };
                    Decode(Encode(sample));
                    Decode("{\"v\":1,\"id\":0,\"ok\":true,\"result\":{\"a\":[1,2.5,\"b\",null,false]}}");
                }
                catch (Exception)
                {
                    // Only a warm-up: the real call reports any problem.
                }
            });
        }

        /// <summary>Decode protocol JSON into PSCustomObjects, arrays and .NET scalars.</summary>
        public static object Decode(string json)
        {
            using (var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 }))
            {
                return Read(document.RootElement);
            }
        }

        // Plain JSON is read by BridgeJsonValue.ToDotNet, the models' reader too; only objects
        // differ here: PSCustomObjects, or the values the protocol tags.
        private static readonly Func<JsonElement, object> ReadObjectValue = ReadObject;

        private static object Read(JsonElement element)
        {
            return BridgeJsonValue.ToDotNet(element, ReadObjectValue);
        }

        private static object ReadObject(JsonElement element)
        {
            if (element.TryGetProperty(Tag, out JsonElement tag))
            {
                return ReadTagged(tag.GetString(), element);
            }
            var result = new PSObject();
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == TypeNames)
                {
                    var names = new List<string>();
                    foreach (JsonElement name in property.Value.EnumerateArray())
                    {
                        names.Add(name.GetString());
                    }
                    for (int i = names.Count - 1; i >= 0; i--)
                    {
                        result.TypeNames.Insert(0, names[i]);
                    }
                    continue;
                }
                if (property.Name == DefaultDisplay)
                {
                    // The default view (what a format.ps1xml would give, without
                    // the cost of loading one at import).
                    var shown = new List<string>();
                    foreach (JsonElement name in property.Value.EnumerateArray())
                    {
                        shown.Add(name.GetString());
                    }
                    var set = new PSPropertySet("DefaultDisplayPropertySet", shown);
                    result.Members.Add(new PSMemberSet("PSStandardMembers", new PSMemberInfo[] { set }));
                    continue;
                }
                result.Properties.Add(new PSNoteProperty(property.Name, Read(property.Value)));
            }
            return result;
        }

        private static object ReadTagged(string tag, JsonElement element)
        {
            switch (tag)
            {
                case "DateTime":
                    return DateTime.Parse(element.GetProperty("value").GetString(), CultureInfo.InvariantCulture,
                                          DateTimeStyles.RoundtripKind);
                case "DateTimeOffset":
                    return DateTimeOffset.Parse(element.GetProperty("value").GetString(), CultureInfo.InvariantCulture);
                case "TimeSpan":
                    return new TimeSpan(element.GetProperty("ticks").GetInt64());
                case "Model":
                    return ReadModel(element);
                case "Double":
                    string text = element.GetProperty("value").GetString();
                    return text == "NaN" ? double.NaN : (text.StartsWith("-") ? double.NegativeInfinity : double.PositiveInfinity);
                case "Dictionary":
                    // Exact key spelling matters (Graph keys are case-sensitive): ordinal, ordered.
                    var dict = new OrderedDictionary(StringComparer.Ordinal);
                    if (element.TryGetProperty("entries", out JsonElement entries) && entries.ValueKind == JsonValueKind.Object)
                    {
                        foreach (JsonProperty entry in entries.EnumerateObject())
                        {
                            dict[entry.Name] = Read(entry.Value);
                        }
                    }
                    return dict;
                default:
                    return null;
            }
        }

        private static readonly ConcurrentDictionary<string, Type> ModelTypes = new ConcurrentDictionary<string, Type>(StringComparer.Ordinal);

        /// <summary>{"@mgbridge.type": "Model", "type": class, "typeNames": [...], "json": Graph JSON} -> the model object.</summary>
        private static object ReadModel(JsonElement element)
        {
            string name = element.GetProperty("type").GetString();
            Type type = ModelTypes.GetOrAdd(name, n => typeof(BridgeModel).Assembly.GetType("Microsoft.Graph.PowerShell.Models." + n));
            if (type == null || !typeof(BridgeModel).IsAssignableFrom(type))
            {
                throw new InvalidOperationException($"The core returned an unknown model type '{name}'.");
            }
            var model = (BridgeModel)Activator.CreateInstance(type);
            model.ReadJson(element.GetProperty("json"));
            var result = PSObject.AsPSObject(model);
            if (element.TryGetProperty("typeNames", out JsonElement names))
            {
                // Extra PSTypeNames after the class's own (the SDK interface name).
                int at = 1;
                foreach (JsonElement typeName in names.EnumerateArray())
                {
                    string text = typeName.GetString();
                    if (!result.TypeNames.Contains(text))
                    {
                        result.TypeNames.Insert(at++, text);
                    }
                }
            }
            return result;
        }
    }
}
