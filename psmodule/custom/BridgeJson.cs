// Hand-written runtime of the MgBridge PowerShell shim (Modifiable; see README.md).
//
// Only plumbing lives here, never business logic: the PSTypeConverter of the
// generated Microsoft.Graph.PowerShell.Models types (their base class is in
// MgBridge.Models.cs),
// the JSON codec of the bridge protocol (tagged TimeSpan/DateTime so nothing is
// lost on the way to the Python core), the subprocess helper's pipes, and the
// ErrorRecord factory that gives errors the SDK's FullyQualifiedErrorId.
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Collections.Concurrent;
    using System.Collections.Generic;
    using System.Collections.Specialized;
    using System.Diagnostics;
    using System.Globalization;
    using System.IO;
    using System.Management.Automation;
    using System.Reflection;
    using System.Text;
    using System.Text.Json;
    using System.Threading;

    /// <summary>
    /// Converts hashtables, [ordered] dictionaries, PSCustomObjects (ConvertFrom-Json),
    /// OrderedHashtable (ConvertFrom-Json -AsHashtable) and JSON strings to a model type.
    /// PowerShell only binds a hashtable to an interface-typed parameter through a
    /// converter attribute, which is why every generated interface names this one.
    /// </summary>
    public class BridgeModelConverter<T> : PSTypeConverter where T : BridgeModel, new()
    {
        internal static object Unwrap(object source)
        {
            if (source is PSObject ps && !(ps.BaseObject is PSCustomObject))
            {
                return ps.BaseObject;
            }
            return source;
        }

        public static bool Accepts(object source)
        {
            object value = Unwrap(source);
            return value is IDictionary || value is string || value is IBridgeModel
                || (value is PSObject ps && ps.BaseObject is PSCustomObject);
        }

        public override bool CanConvertFrom(object sourceValue, Type destinationType)
        {
            return Accepts(sourceValue);
        }

        public override object ConvertFrom(object sourceValue, Type destinationType,
                                           IFormatProvider formatProvider, bool ignoreCase)
        {
            object value = Unwrap(sourceValue);
            if (value is T same)
            {
                return same;
            }
            if (!Accepts(value))
            {
                throw new PSInvalidCastException(
                    $"Cannot convert a value of type {value?.GetType().FullName ?? "null"} to {typeof(T).Name}: " +
                    "use a hashtable, an [ordered] dictionary, a PSCustomObject or a JSON string.");
            }
            var result = new T();
            // A model object (an earlier call's output) travels as its Graph JSON.
            result.SetRaw(value is IBridgeModel model ? (model.GetBridgeRaw() ?? model) : value);
            return result;
        }

        public override bool CanConvertTo(object sourceValue, Type destinationType)
        {
            return false;
        }

        public override object ConvertTo(object sourceValue, Type destinationType,
                                         IFormatProvider formatProvider, bool ignoreCase)
        {
            throw new NotSupportedException();
        }
    }

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

        private static object Read(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
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
                case JsonValueKind.Array:
                    var items = new object[element.GetArrayLength()];
                    int index = 0;
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        items[index++] = Read(item);
                    }
                    return items;
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.Number:
                    if (element.TryGetInt32(out int i32))
                    {
                        return i32;
                    }
                    if (element.TryGetInt64(out long i64))
                    {
                        return i64;
                    }
                    if (element.TryGetDecimal(out decimal dec) && !element.GetRawText().Contains("e") && !element.GetRawText().Contains("E"))
                    {
                        return element.GetDouble();
                    }
                    return element.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
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

    /// <summary>The helper process ended while a call waited for it.</summary>
    public class HelperExitedException : Exception
    {
        public HelperExitedException(string message) : base(message) { }
        public int? ExitCode { get; set; }
    }

    /// <summary>Process-wide request ids: atomic increments of a counter kept in AppDomain data.</summary>
    /// <remarks>
    /// The counter is a one-element array stored in AppDomain data (not a static field here),
    /// so every module instance of the process shares it even when two builds of this
    /// assembly are loaded (Import-Module after an edit).
    /// </remarks>
    public static class BridgeRequestId
    {
        public static long Next(long[] counter)
        {
            return Interlocked.Increment(ref counter[0]);
        }
    }

    /// <summary>
    /// The long-lived `python -m bridge.protocol` process and its pipes: one line per
    /// message each way. Calls are multiplexed by request id: a caller registers its id
    /// (Expect), sends, and waits on its own queue in short slices (so it stays responsive
    /// to Ctrl+C); a background thread reads stdout and hands each line to the queue of
    /// the id it carries, so calls from many runspaces overlap on the one helper. A line
    /// for an id nobody waits for (the late answer of a cancelled call) is dropped.
    /// One per pwsh process, shared by every runspace (see Get-BridgeSubprocessState).
    /// </summary>
    public sealed class HelperProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentDictionary<long, BlockingCollection<string>> _waiting =
            new ConcurrentDictionary<long, BlockingCollection<string>>();
        private volatile bool _ended;
        private readonly ConcurrentQueue<string> _stderr = new ConcurrentQueue<string>();
        private readonly object _writeLock = new object();
        private const int StderrLines = 40;

        public HelperProcess(string fileName, string[] arguments, IDictionary environment, string workingDirectory)
        {
            var info = new ProcessStartInfo(fileName)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            if (!string.IsNullOrEmpty(workingDirectory))
            {
                info.WorkingDirectory = workingDirectory;
            }
            foreach (string argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }
            if (environment != null)
            {
                foreach (DictionaryEntry entry in environment)
                {
                    string key = entry.Key.ToString();
                    if (entry.Value == null)
                    {
                        info.Environment.Remove(key);
                    }
                    else
                    {
                        info.Environment[key] = entry.Value.ToString();
                    }
                }
            }
            FileName = fileName;
            _process = new Process { StartInfo = info, EnableRaisingEvents = true };
            _process.ErrorDataReceived += (sender, e) =>
            {
                if (e.Data == null)
                {
                    return;
                }
                _stderr.Enqueue(e.Data);
                while (_stderr.Count > StderrLines && _stderr.TryDequeue(out _))
                {
                }
            };
            _process.Start();
            _process.StandardInput.AutoFlush = false;
            _process.BeginErrorReadLine();
            var reader = new Thread(ReadLoop) { IsBackground = true, Name = "MgBridge helper reader" };
            reader.Start();
        }

        public string FileName { get; }

        public int Id => _process.Id;

        public bool HasExited
        {
            get
            {
                try
                {
                    return _process.HasExited;
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        public int? ExitCode => HasExited ? _process.ExitCode : (int?)null;

        public string StderrTail => string.Join("\n", _stderr.ToArray());

        private void ReadLoop()
        {
            try
            {
                string line;
                var output = _process.StandardOutput;
                while ((line = output.ReadLine()) != null)
                {
                    long? id = PeekId(line);
                    if (id.HasValue && _waiting.TryGetValue(id.Value, out BlockingCollection<string> queue))
                    {
                        try
                        {
                            queue.Add(line);
                        }
                        catch (InvalidOperationException)
                        {
                            // Forgotten meanwhile: nobody waits for this answer any more.
                        }
                    }
                }
            }
            catch (Exception)
            {
                // The pipe broke: same as end of output.
            }
            finally
            {
                _ended = true;
                foreach (BlockingCollection<string> queue in _waiting.Values)
                {
                    queue.CompleteAdding();
                }
            }
        }

        /// <summary>The top-level "id" of a message line (a number), or null.</summary>
        /// <remarks>Reads tokens only up to the id, which the helper writes near the start.</remarks>
        private static long? PeekId(string line)
        {
            try
            {
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line),
                    new JsonReaderOptions { MaxDepth = 256 });
                while (reader.Read())
                {
                    if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName &&
                        reader.ValueTextEquals("id"))
                    {
                        reader.Read();
                        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long id)
                            ? id : (long?)null;
                    }
                    if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            catch (JsonException)
            {
            }
            return null;
        }

        /// <summary>Route the lines carrying this request id to the caller (before sending it).</summary>
        public void Expect(long id)
        {
            var queue = new BlockingCollection<string>();
            _waiting[id] = queue;
            if (_ended)
            {
                queue.CompleteAdding();
            }
        }

        /// <summary>Stop routing lines for this id; a late line for it is dropped.</summary>
        public void Forget(long id)
        {
            if (_waiting.TryRemove(id, out BlockingCollection<string> queue))
            {
                queue.CompleteAdding();
            }
        }

        /// <summary>Write one message line; false when the helper is gone.</summary>
        /// <remarks>
        /// Failures are return values, not exceptions: PowerShell records an exception from a
        /// .NET call in the caller's -ErrorVariable even when a try/catch handles it.
        /// </remarks>
        public bool Send(string line)
        {
            lock (_writeLock)
            {
                try
                {
                    _process.StandardInput.Write(line);
                    _process.StandardInput.Write('\n');
                    _process.StandardInput.Flush();
                    return true;
                }
                catch (Exception e) when (e is IOException || e is InvalidOperationException || e is ObjectDisposedException)
                {
                    return false;
                }
            }
        }

        /// <summary>
        /// The next line for request id (an event or its answer), or null after timeoutMs, or
        /// at once when the helper's output has ended (see Ended).
        /// </summary>
        public string Receive(long id, int timeoutMs)
        {
            if (!_waiting.TryGetValue(id, out BlockingCollection<string> queue))
            {
                return null;
            }
            return queue.TryTake(out string line, timeoutMs) ? line : null;
        }

        /// <summary>
        /// True once no line can come for request id any more: the helper's output ended and
        /// every line for the id was received (or the id is not expected).
        /// </summary>
        public bool Ended(long id)
        {
            return !_waiting.TryGetValue(id, out BlockingCollection<string> queue) || queue.IsCompleted;
        }

        /// <summary>Why the helper is gone, for the error message (waits briefly for its exit code).</summary>
        public string ExitDescription()
        {
            return Exited().Message;
        }

        private HelperExitedException Exited()
        {
            int? code = null;
            try
            {
                if (_process.WaitForExit(2000))
                {
                    code = _process.ExitCode;
                }
            }
            catch (Exception)
            {
            }
            return new HelperExitedException(
                $"The MgBridge Python helper (pid {SafeId()}) exited unexpectedly" +
                (code.HasValue ? $" with exit code {code}" : "") + ".") { ExitCode = code };
        }

        private string SafeId()
        {
            try
            {
                return _process.Id.ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception)
            {
                return "?";
            }
        }

        /// <summary>Close stdin (the helper exits at end of input), then kill it if it lingers.</summary>
        public void Stop(int graceMs)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (Exception)
            {
            }
            try
            {
                if (!_process.WaitForExit(graceMs))
                {
                    _process.Kill(true);
                }
            }
            catch (Exception)
            {
            }
        }

        public void Kill()
        {
            try
            {
                _process.Kill(true);
                _process.WaitForExit(5000);
            }
            catch (Exception)
            {
            }
        }

        public void Dispose()
        {
            Stop(1000);
            _process.Dispose();
        }
    }

    /// <summary>An error the Python core reported, with the fields the protocol carries.</summary>
    public class BridgeException : Exception
    {
        public BridgeException(string message) : base(message) { }
        public string ErrorType { get; set; }
        public string ErrorId { get; set; }
        public string Code { get; set; }
        public int? Status { get; set; }
        public string RequestId { get; set; }
        public string ClientRequestId { get; set; }
        public string Date { get; set; }
        public string Parameter { get; set; }
        public string Path { get; set; }
        public string Expected { get; set; }
    }

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
