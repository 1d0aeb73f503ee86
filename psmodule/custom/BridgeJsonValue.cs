// Hand-written (Modifiable; see README.md): plain JSON values to .NET and back, shared by the models and the protocol codec.
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Collections.Generic;
    using System.Globalization;
    using System.Management.Automation;
    using System.Text.Json;
    using System.Text.Json.Nodes;
    using System.Xml;

    /// <summary>Plain JSON values to .NET and back, and the date/time text of Graph's JSON.</summary>
    public static class BridgeJsonValue
    {
        internal static readonly JsonSerializerOptions Indented = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        /// <summary>Graph's date/time text: UTC, seconds, and the fraction (up to 7 digits) only when non-zero.</summary>
        /// <remarks>Local and Unspecified kinds are local time, as DateTime.ToUniversalTime reads them.</remarks>
        public static string FormatDateTime(DateTime value)
        {
            DateTime utc = value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime();
            string text = utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
            long fraction = utc.Ticks % TimeSpan.TicksPerSecond;
            if (fraction != 0)
            {
                text += "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
            }
            return text + "Z";
        }

        /// <summary>Parse Graph's date/time text into a UTC DateTime (offset-less text is UTC, as Graph means it).</summary>
        public static bool TryParseDateTime(string text, out DateTime value)
        {
            return DateTime.TryParse(text, CultureInfo.InvariantCulture,
                                     DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
        }

        /// <summary>A JSON value as .NET: objects as ordinal dictionaries, arrays as object[].</summary>
        public static object ToDotNet(JsonElement json)
        {
            return ToDotNet(json, ReadDictionary);
        }

        /// <summary>
        /// A JSON value as .NET, objects as <paramref name="readObject"/> makes them: arrays as
        /// object[], numbers as int, long or double (the first that holds them), strings,
        /// booleans and null as they are.
        /// </summary>
        /// <remarks>The one reader of JSON values: the protocol codec (BridgeJson.Decode) reads objects its own way.</remarks>
        public static object ToDotNet(JsonElement json, Func<JsonElement, object> readObject)
        {
            switch (json.ValueKind)
            {
                case JsonValueKind.Object:
                    return readObject(json);
                case JsonValueKind.Array:
                    var items = new object[json.GetArrayLength()];
                    int index = 0;
                    foreach (JsonElement item in json.EnumerateArray())
                    {
                        items[index++] = ToDotNet(item, readObject);
                    }
                    return items;
                case JsonValueKind.String:
                    return json.GetString();
                case JsonValueKind.Number:
                    if (json.TryGetInt32(out int i32))
                    {
                        return i32;
                    }
                    if (json.TryGetInt64(out long i64))
                    {
                        return i64;
                    }
                    return json.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }

        private static readonly Func<JsonElement, object> ReadDictionary = json =>
        {
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (JsonProperty member in json.EnumerateObject())
            {
                dict[member.Name] = ToDotNet(member.Value);
            }
            return dict;
        };

        /// <summary>A .NET value (as <see cref="ToDotNet"/> gives, or a PowerShell one) as a JSON node.</summary>
        public static JsonNode ToNode(object value)
        {
            if (value is PSObject ps && !(ps.BaseObject is PSCustomObject))
            {
                value = ps.BaseObject;
            }
            switch (value)
            {
                case null:
                    return null;
                case JsonNode node:
                    return node.DeepClone();
                case BridgeModel model:
                    return model.ToJson();
                case string s:
                    return JsonValue.Create(s);
                case bool b:
                    return JsonValue.Create(b);
                case int i:
                    return JsonValue.Create(i);
                case long l:
                    return JsonValue.Create(l);
                case double d:
                    return JsonValue.Create(d);
                case DateTime dt:
                    return JsonValue.Create(FormatDateTime(dt));
                case DateTimeOffset dto:
                    return JsonValue.Create(FormatDateTime(dto.UtcDateTime));
                case TimeSpan ts:
                    return JsonValue.Create(XmlConvert.ToString(ts));
                case IDictionary dict:
                    var obj = new JsonObject();
                    foreach (DictionaryEntry entry in dict)
                    {
                        obj[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToNode(entry.Value);
                    }
                    return obj;
                case IEnumerable list:
                    var array = new JsonArray();
                    foreach (object item in list)
                    {
                        array.Add(ToNode(item));
                    }
                    return array;
                default:
                    return JsonNode.Parse(BridgeJson.Encode(value));
            }
        }
    }
}
