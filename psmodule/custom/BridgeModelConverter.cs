// Hand-written (Modifiable; see README.md): the PSTypeConverter that binds a caller's value to a generated model type.
namespace MgBridge
{
    using System;
    using System.Collections;
    using System.Management.Automation;

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
}
